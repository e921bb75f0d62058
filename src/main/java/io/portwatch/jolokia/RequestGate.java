package io.portwatch.jolokia;

import org.jolokia.server.core.request.JolokiaObjectNameRequest;
import org.jolokia.server.core.request.JolokiaRequest;
import org.jolokia.server.core.service.api.AbstractJolokiaService;
import org.jolokia.server.core.service.request.RequestHandler;
import org.jolokia.server.core.util.RequestType;

import java.util.EnumSet;
import java.util.Set;
import javax.management.ObjectName;

/**
 * Refuses, before any MBean is touched, what the policy file cannot refuse early enough:
 * <ul>
 *   <li>a request type portwatch does not serve: write, and notification (Jolokia 2.6 applies no
 *       policy at all to notification requests: any client could register listeners);</li>
 *   <li>a request with a proxy {@code target}: without Jolokia's JSR-160 service it would be served
 *       from this JVM as if it came from the target, so it is refused instead;</li>
 *   <li>a request naming an MBean outside the {@code portwatch} and {@code java.lang} domains, or a
 *       domain pattern such as {@code *:*}: Jolokia fetches all attributes of a multi-attribute or
 *       pattern read before it checks the policy, which would run the host's MBean getters for
 *       nothing.</li>
 * </ul>
 * Registered as a request handler that runs before Jolokia's local one and answers only by
 * throwing {@link SecurityException}, which Jolokia reports as status 403.
 */
final class RequestGate extends AbstractJolokiaService<RequestHandler> implements RequestHandler {

    /** Request types served; the policy file narrows further. */
    static final Set<RequestType> TYPES = EnumSet.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH,
            RequestType.VERSION, RequestType.CONFIG, RequestType.EXEC);

    /** Domains whose MBeans a request may name; the policy file narrows further. */
    static final Set<String> DOMAINS = Set.of("portwatch", "java.lang");

    /** After Jolokia's config (-2) and version (-1) handlers, before its local handler (1000). */
    private static final int ORDER = 1;

    RequestGate() {
        super(RequestHandler.class, ORDER);
    }

    @Override
    public boolean canHandle(JolokiaRequest request) {
        return refusal(request) != null;
    }

    @Override
    public <R extends JolokiaRequest> Object handleRequest(R request, Object previousResult) {
        String refusal = refusal(request);
        throw new SecurityException(refusal != null ? refusal : "request refused");
    }

    /** Why the request is refused, or null when it may go on to Jolokia. */
    static String refusal(JolokiaRequest request) {
        if (!TYPES.contains(request.getType())) {
            return "Request type " + request.getType().getName() + " is not allowed";
        }
        if (request.getOption("target") != null) {
            return "Proxy requests are not allowed";
        }
        if (request instanceof JolokiaObjectNameRequest named) {
            ObjectName name = named.getObjectName();
            if (name != null && (name.isDomainPattern() || !DOMAINS.contains(name.getDomain()))) {
                return "Access to MBean " + name + " is not allowed";
            }
        }
        return null;
    }

    @Override
    public String getProvider() {
        return null;
    }

    @Override
    public Object getRuntimeInfo() {
        return null;
    }
}
