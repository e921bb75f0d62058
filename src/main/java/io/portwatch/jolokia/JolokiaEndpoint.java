package io.portwatch.jolokia;

import io.portwatch.http.EndpointServer;
import org.jolokia.jvmagent.handler.JolokiaHttpHandler;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.config.StaticConfiguration;
import org.jolokia.server.core.config.SystemPropertyMode;
import org.jolokia.server.core.service.JolokiaServiceManagerFactory;
import org.jolokia.server.core.service.api.JolokiaContext;
import org.jolokia.server.core.service.api.JolokiaServiceManager;
import org.jolokia.service.jmx.LocalRequestHandler;
import org.jolokia.service.jmx.handler.list.JDKManagementCacheKeyProvider;
import org.jolokia.service.serializer.JolokiaSerializer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Jolokia's HTTP/JSON bridge to this JVM's MBeans, started in code (never through Jolokia's own
 * premain) with portwatch's bundled access policy, served by a hardened {@link EndpointServer}
 * (request deadlines, connection cap, body limit, exact paths, authentication and TLS per server).
 * A bulk request of more than {@code jolokia.maxBulkRequests} requests is refused before Jolokia
 * parses it ({@link BulkLimit}); an answer is judged by its size, {@code jolokia.maxResponseSize}, and kept
 * valid JSON whatever the strings of the MBeans hold ({@link AnswerBudget}).
 *
 * <p>What Jolokia runs is assembled here, service by service, instead of being discovered from
 * {@code META-INF/jolokia/services*} files: the local MBean request handler, the serializer, the
 * JDK list cache, the {@link RequestGate} and {@link PortwatchRestrictor}. No server detectors, no
 * JSR-160 proxy, no discovery, no history, no notifications. Jolokia's settings come only from here:
 * {@code jolokia.*} system properties and {@code JOLOKIA_*} variables of the host are ignored.
 *
 * <p>Every thread is a daemon thread named {@code portwatch-jolokia-*}.
 */
public final class JolokiaEndpoint implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.portwatch.jolokia");

    /** The path under which Jolokia answers. */
    public static final String CONTEXT = "/jolokia";

    static final String THREAD_PREFIX = "portwatch-jolokia-";

    private final EndpointServer server;
    private final JolokiaServiceManager jolokia;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JolokiaEndpoint(EndpointServer server, JolokiaServiceManager jolokia) {
        this.server = server;
        this.jolokia = jolokia;
    }

    /**
     * Binds and starts the endpoint.
     *
     * @throws IllegalArgumentException when the host is not a loopback address and no user and
     *                                  password are set (the endpoint would be open to the network)
     * @throws IOException              when the host cannot be resolved, the keystore or PEM files cannot be
     *                                  used, or the port cannot be bound (the message names host:port)
     * @throws IllegalStateException    when Jolokia itself cannot start (a broken build), with the cause
     */
    public static JolokiaEndpoint start(JolokiaOptions options) throws IOException {
        PortwatchRestrictor restrictor = PortwatchRestrictor.load();
        JolokiaServiceManager jolokia = JolokiaServiceManagerFactory.createJolokiaServiceManager(
                configuration(options), new JolokiaLog(), restrictor, log -> new TreeSet<>());
        JolokiaContext context;
        try {
            jolokia.addService(new RequestGate());
            jolokia.addService(new LocalRequestHandler(1000));
            jolokia.addService(new JolokiaSerializer(10, false));
            jolokia.addService(new JDKManagementCacheKeyProvider(100));
            context = jolokia.start();
        } catch (RuntimeException | LinkageError e) {
            stopQuietly(jolokia, e);
            throw new IllegalStateException("Jolokia did not start: " + e, e);
        }
        BulkLimit bulk = new BulkLimit(options.maxBulkRequests());
        AnswerBudget answers = new AnswerBudget(new JolokiaHttpHandler(context), options.maxResponseBytes());
        try {
            EndpointServer server = EndpointServer.start(options.http(), EndpointServer.Route.withSubPaths("jolokia",
                    CONTEXT, answers, bulk::refusal).withMaxResponseBytes(answers.maxAnswerBytes(options.maxBulkRequests())));
            context.getAgentDetails().updateAgentParameters(server.url("/").toString(), options.authenticated());
            return new JolokiaEndpoint(server, jolokia);
        } catch (IOException | RuntimeException | Error e) {
            stopQuietly(jolokia, e);
            throw e;
        }
    }

    /** Where Jolokia answers, e.g. {@code http://127.0.0.1:8778/jolokia/}. */
    public URI url() {
        return server.url("/");
    }

    /** Stops serving and unregisters Jolokia's own MBeans. Never throws; closing twice does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close();
        try {
            jolokia.stop();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Jolokia: stopping its services failed: " + e, e);
        }
    }

    private static void stopQuietly(JolokiaServiceManager jolokia, Throwable failure) {
        try {
            jolokia.stop();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Jolokia's configuration: only these keys, never the host's system properties or environment. */
    private static StaticConfiguration configuration(JolokiaOptions options) {
        Map<String, String> config = new HashMap<>();
        config.put(ConfigKey.AGENT_ID.getKeyValue(), "portwatch-" + ProcessHandle.current().pid() + "-"
                + options.http().port());
        config.put(ConfigKey.AGENT_DESCRIPTION.getKeyValue(), "portwatch");
        config.put(ConfigKey.AGENT_CONTEXT.getKeyValue(), CONTEXT);
        config.put(ConfigKey.INCLUDE_STACKTRACE.getKeyValue(), "false");
        config.put(ConfigKey.SERIALIZE_EXCEPTION.getKeyValue(), "false");
        config.put(ConfigKey.ALLOW_ERROR_DETAILS.getKeyValue(), "false");
        config.put(ConfigKey.DISCOVERY_ENABLED.getKeyValue(), "false");
        config.put(ConfigKey.DISABLE_DETECTORS.getKeyValue(), "true");
        config.put(ConfigKey.ALLOW_DNS_REVERSE_LOOKUP.getKeyValue(), "false");
        config.put(ConfigKey.DEBUG.getKeyValue(), "false");
        config.put(ConfigKey.MAX_DEPTH.getKeyValue(), "15");
        return new StaticConfiguration(config, null, SystemPropertyMode.NEVER);
    }
}
