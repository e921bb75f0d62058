package io.portwatch.jolokia;

import org.jolokia.server.core.request.JolokiaObjectNameRequest;
import org.jolokia.server.core.request.JolokiaReadRequest;
import org.jolokia.server.core.request.JolokiaRequest;
import org.jolokia.server.core.service.api.AbstractJolokiaService;
import org.jolokia.server.core.service.request.RequestHandler;
import org.jolokia.server.core.util.RequestType;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Refuses, before any MBean is touched, what the policy file cannot refuse early enough, and serves
 * the reads Jolokia would serve before asking the policy:
 * <ul>
 *   <li>a request type portwatch does not serve: write, and notification (Jolokia 2.6 applies no
 *       policy at all to notification requests: any client could register listeners);</li>
 *   <li>a request with a proxy {@code target}: without Jolokia's JSR-160 service it would be served
 *       from this JVM as if it came from the target, so it is refused instead;</li>
 *   <li>a read or exec naming an MBean outside the {@link PortwatchRestrictor#DOMAINS}, or a domain
 *       pattern such as {@code *:*}: such a read would run the getters of every MBean the pattern
 *       matches for nothing. A search may name any pattern: it only queries names, and
 *       {@link PortwatchRestrictor} hides those outside the domains (a list never names one);</li>
 *   <li>a read of several or all attributes, or of an MBean pattern, is served by {@link PolicyRead}
 *       and never reaches Jolokia's read handler, which fetches every attribute before it asks the
 *       policy.</li>
 * </ul>
 * Registered as a request handler that runs before Jolokia's local one. It refuses by throwing
 * {@link SecurityException}, which Jolokia reports as status 403.
 */
final class RequestGate extends AbstractJolokiaService<RequestHandler> implements RequestHandler {

    /** Request types served; the policy file narrows further. */
    static final Set<RequestType> TYPES = EnumSet.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH,
            RequestType.VERSION, RequestType.CONFIG, RequestType.EXEC);

    /** After Jolokia's config (-2) and version (-1) handlers, before its local handler (1000). */
    private static final int ORDER = 1;

    RequestGate() {
        super(RequestHandler.class, ORDER);
    }

    @Override
    public boolean canHandle(JolokiaRequest request) {
        return refusal(request) != null || PolicyRead.serves(request);
    }

    @Override
    public <R extends JolokiaRequest> Object handleRequest(R request, Object previousResult) throws IOException, JMException {
        String refusal = refusal(request);
        if (refusal == null && request instanceof JolokiaReadRequest read && PolicyRead.serves(read)) {
            return new PolicyRead(getJolokiaContext()).read(read);
        }
        throw new SecurityException(refusal != null ? refusal : "request refused");
    }

    /** Why the request is refused, or null when it may go on. */
    static String refusal(JolokiaRequest request) {
        if (!TYPES.contains(request.getType())) {
            return "Request type " + request.getType().getName() + " is not allowed";
        }
        if (request.getOption("target") != null) {
            return "Proxy requests are not allowed";
        }
        if (request instanceof JolokiaObjectNameRequest named && request.getType() != RequestType.SEARCH) {
            ObjectName name = named.getObjectName();
            if (name != null && (name.isDomainPattern() || !PortwatchRestrictor.DOMAINS.contains(name.getDomain()))) {
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
