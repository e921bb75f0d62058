package io.portwatch.jolokia;

import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.portwatch.config.SettingKey;
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
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Jolokia's HTTP/JSON bridge to this JVM's MBeans, started in code (never through Jolokia's own
 * premain) on the JDK's HTTP server, with portwatch's bundled access policy.
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
    private static final String REALM = "portwatch";
    private static final int BACKLOG = 16;
    private static final int WORKERS = 2;

    private final HttpServer server;
    private final ExecutorService workers;
    private final JolokiaServiceManager jolokia;
    private final URI url;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JolokiaEndpoint(HttpServer server, ExecutorService workers, JolokiaServiceManager jolokia, URI url) {
        this.server = server;
        this.workers = workers;
        this.jolokia = jolokia;
        this.url = url;
    }

    /**
     * Binds and starts the endpoint.
     *
     * @throws IllegalArgumentException when the host is not a loopback address and no user and
     *                                  password are set (the endpoint would be open to the network)
     * @throws IOException              when the host cannot be resolved, the keystore cannot be read, or
     *                                  the port cannot be bound (the message names host:port)
     * @throws IllegalStateException    when Jolokia itself cannot start (a broken build), with the cause
     */
    public static JolokiaEndpoint start(JolokiaOptions options) throws IOException {
        InetAddress address = resolve(options.host());
        if (!address.isLoopbackAddress() && !options.authenticated()) {
            throw new IllegalArgumentException(SettingKey.JOLOKIA_HOST.key() + "=" + options.host()
                    + " is not a loopback address: Jolokia needs " + SettingKey.JOLOKIA_USER.key() + " and "
                    + SettingKey.JOLOKIA_PASSWORD.key() + " to listen on it");
        }
        SSLContext ssl = options.https() ? sslContext(options) : null;

        // Started on a thread of our own group: the JDK's HTTP server names its dispatcher and timer
        // threads itself and makes them daemons only when started from a daemon thread.
        ThreadGroup group = new ThreadGroup("portwatch-jolokia");
        FutureTask<JolokiaEndpoint> task = new FutureTask<>(() -> create(options, address, ssl, group));
        Thread starter = new Thread(group, task, THREAD_PREFIX + "start");
        starter.setDaemon(true);
        starter.start();
        JolokiaEndpoint endpoint = await(task);
        nameThreads(group);
        return endpoint;
    }

    /** Where Jolokia answers, e.g. {@code http://127.0.0.1:8778/jolokia/}. */
    public URI url() {
        return url;
    }

    /** Stops serving and unregisters Jolokia's own MBeans. Never throws; closing twice does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.stop(0);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Jolokia: stopping the HTTP server failed: " + e, e);
        }
        workers.shutdownNow();
        try {
            jolokia.stop();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Jolokia: stopping its services failed: " + e, e);
        }
    }

    // ------------------------------------------------------------------------------------------

    private static JolokiaEndpoint create(JolokiaOptions options, InetAddress address, SSLContext ssl, ThreadGroup group)
            throws IOException {
        PortwatchRestrictor restrictor = PortwatchRestrictor.load();
        HttpServer server = bind(options, address, ssl);
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS, daemonThreads(group));
        JolokiaServiceManager jolokia = null;
        try {
            server.setExecutor(workers);
            InetSocketAddress bound = server.getAddress();
            URI url = url(ssl != null, bound);

            jolokia = JolokiaServiceManagerFactory.createJolokiaServiceManager(
                    configuration(bound), new JolokiaLog(), restrictor, log -> new TreeSet<>());
            jolokia.addService(new RequestGate());
            jolokia.addService(new LocalRequestHandler(1000));
            jolokia.addService(new JolokiaSerializer(10, false));
            jolokia.addService(new JDKManagementCacheKeyProvider(100));
            JolokiaContext context = jolokia.start();
            context.getAgentDetails().updateAgentParameters(url.toString(), options.authenticated());

            HttpContext http = server.createContext(CONTEXT, new JolokiaHttpHandler(context));
            http.getFilters().add(new BrowserGuard(bound.getAddress().isLoopbackAddress()));
            if (options.authenticated()) {
                http.setAuthenticator(new Credentials(options.user(), options.password()));
            }
            server.start();
            return new JolokiaEndpoint(server, workers, jolokia, url);
        } catch (RuntimeException | Error e) {
            JolokiaServiceManager started = jolokia;
            cleanUp(e, () -> server.stop(0));
            workers.shutdownNow();
            if (started != null) {
                cleanUp(e, started::stop);
            }
            throw e;
        }
    }

    private static void cleanUp(Throwable failure, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static HttpServer bind(JolokiaOptions options, InetAddress address, SSLContext ssl) throws IOException {
        InetSocketAddress socket = new InetSocketAddress(address, options.port());
        try {
            if (ssl == null) {
                return HttpServer.create(socket, BACKLOG);
            }
            HttpsServer https = HttpsServer.create(socket, BACKLOG);
            https.setHttpsConfigurator(new HttpsConfigurator(ssl));
            return https;
        } catch (BindException e) {
            BindException named = new BindException("Jolokia cannot listen on " + hostAndPort(address, options.port())
                    + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        } catch (IOException e) {
            throw new IOException("Jolokia cannot listen on " + hostAndPort(address, options.port()) + ": " + e, e);
        }
    }

    /** Jolokia's configuration: only these keys, never the host's system properties or environment. */
    private static StaticConfiguration configuration(InetSocketAddress bound) {
        Map<String, String> config = new HashMap<>();
        config.put(ConfigKey.AGENT_ID.getKeyValue(), "portwatch-" + ProcessHandle.current().pid() + "-" + bound.getPort());
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

    private static InetAddress resolve(String host) throws IOException {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException(SettingKey.JOLOKIA_HOST.key() + ": cannot resolve \"" + host + "\"", e);
        }
    }

    private static SSLContext sslContext(JolokiaOptions options) throws IOException {
        char[] password = options.keystorePassword().toCharArray();
        try (InputStream in = Files.newInputStream(options.keystore())) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(SettingKey.JOLOKIA_KEYSTORE.key() + ": cannot use " + options.keystore() + ": " + why, e);
        }
    }

    private static URI url(boolean https, InetSocketAddress bound) {
        String host = bound.getAddress().getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        try {
            return new URI(https ? "https" : "http", null, host, bound.getPort(), CONTEXT + "/", null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no URL for " + bound, e);
        }
    }

    private static String hostAndPort(InetAddress address, int port) {
        String host = address.getHostAddress();
        return (address instanceof Inet6Address ? "[" + host + "]" : host) + ":" + port;
    }

    private static ThreadFactory daemonThreads(ThreadGroup group) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(group, runnable, THREAD_PREFIX + "http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Gives the JDK HTTP server's own threads (HTTP-Dispatcher, idle-timeout-task) portwatch names. */
    private static void nameThreads(ThreadGroup group) {
        Thread[] threads = new Thread[group.activeCount() + 8];
        int count = group.enumerate(threads, true);
        for (int i = 0; i < count; i++) {
            Thread thread = threads[i];
            if (!thread.getName().startsWith("portwatch-")) {
                thread.setName(THREAD_PREFIX + thread.getName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"));
            }
        }
    }

    private static JolokiaEndpoint await(FutureTask<JolokiaEndpoint> task) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof Error error && !(cause instanceof LinkageError)) {
                        throw error;
                    }
                    // Jolokia's own failures (even an IllegalArgumentException) are not configuration errors
                    throw new IllegalStateException("Jolokia did not start: " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Basic authentication against the one configured user; compares in constant time. */
    private static final class Credentials extends BasicAuthenticator {

        private final byte[] user;
        private final byte[] password;

        Credentials(String user, String password) {
            super(REALM, StandardCharsets.UTF_8);
            this.user = user.getBytes(StandardCharsets.UTF_8);
            this.password = password.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean checkCredentials(String givenUser, String givenPassword) {
            boolean userOk = MessageDigest.isEqual(user, givenUser.getBytes(StandardCharsets.UTF_8));
            boolean passwordOk = MessageDigest.isEqual(password, givenPassword.getBytes(StandardCharsets.UTF_8));
            return userOk & passwordOk;
        }
    }
}
