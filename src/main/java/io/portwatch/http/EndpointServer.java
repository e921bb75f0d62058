package io.portwatch.http;

import com.sun.net.httpserver.HttpHandler;
import io.portwatch.scan.Addresses;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One hardened HTTP endpoint: an embedded Jetty server with one connector, serving one handler
 * written for {@code com.sun.net.httpserver} at one path, within {@link HttpLimits} that hold per
 * server (docs/design.md §5) — nothing JVM-wide is read or set. Every answer is built within the route's byte
 * budget and the endpoint's bytes in flight, and written without holding a thread ({@link Answers}). Binds to loopback unless told otherwise and
 * refuses a non-loopback address without authentication. Every thread is a daemon named
 * {@code portwatch-<name>-*}.
 */
public final class EndpointServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.portwatch.http");

    /** Worker threads per endpoint; idle connections hold none (Jetty's selector waits for their bytes). */
    private static final int MAX_THREADS = 8;
    private static final int MIN_THREADS = 2;

    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private final GuardHandler bodies;
    private final BytesInFlight inFlight;
    private final GuardSweeper sweeper;
    private final boolean https;
    private final String path;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EndpointServer(Server server, ServerConnector connector, ConnectionGuard guard, GuardHandler bodies,
                           BytesInFlight inFlight, GuardSweeper sweeper, boolean https, String path) {
        this.server = server;
        this.connector = connector;
        this.guard = guard;
        this.bodies = bodies;
        this.inFlight = inFlight;
        this.sweeper = sweeper;
        this.https = https;
        this.path = path;
    }

    /**
     * What to serve and how.
     *
     * @param threadName       the endpoint's part of its thread names: {@code portwatch-<threadName>-http-N}
     * @param path             the path served, e.g. {@code /metrics}
     * @param subPaths         whether paths below it are served too
     * @param acceptsBody      whether requests may carry a body
     * @param handler          the handler, written for {@code com.sun.net.httpserver}, run by Jetty
     * @param bodyCheck        judges each whole request body before the handler sees it
     * @param maxResponseBytes the most bytes the handler may write for one answer (a ready body handed to
     *                         {@link Answers#send} is not built, so not bounded by it); past it the answer is 413
     */
    public record Route(String threadName, String path, boolean subPaths, boolean acceptsBody, HttpHandler handler,
                        BodyCheck bodyCheck, long maxResponseBytes) {

        /** The answer budget of a route that sets none: the largest stated `/metrics` page (docs/design.md §5). */
        public static final long DEFAULT_MAX_RESPONSE_BYTES = 16L * 1024 * 1024;

        public Route {
            if (maxResponseBytes < 1 || maxResponseBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(threadName + ": the answer budget must be 1 byte to 2 GiB, found "
                        + maxResponseBytes);
            }
        }

        /** A route with the default answer budget. */
        public Route(String threadName, String path, boolean subPaths, boolean acceptsBody, HttpHandler handler,
                     BodyCheck bodyCheck) {
            this(threadName, path, subPaths, acceptsBody, handler, bodyCheck, DEFAULT_MAX_RESPONSE_BYTES);
        }

        /** A route to one exact path that takes no request body. */
        public static Route exact(String threadName, String path, HttpHandler handler) {
            return new Route(threadName, path, false, false, handler, body -> null);
        }

        /** A route to a path and everything below it, taking request bodies that pass a check. */
        public static Route withSubPaths(String threadName, String path, HttpHandler handler, BodyCheck bodyCheck) {
            return new Route(threadName, path, true, true, handler, bodyCheck);
        }

        /** The same route with another answer budget. */
        public Route withMaxResponseBytes(long max) {
            return new Route(threadName, path, subPaths, acceptsBody, handler, bodyCheck, max);
        }
    }

    /** Judges a whole request body before the handler sees it: why it is refused (answered 400), or null. */
    @FunctionalInterface
    public interface BodyCheck {
        String refusal(byte[] body);
    }

    /**
     * Binds and starts.
     *
     * @throws IllegalArgumentException when the host is not a loopback address and no user is set (the message
     *                                  names the settings)
     * @throws IOException              when the host cannot be resolved, a TLS file cannot be used, or the
     *                                  port cannot be bound (the message names host:port)
     */
    public static EndpointServer start(EndpointOptions options, Route route) throws IOException {
        String name = options.keys().name();
        InetAddress address = resolve(options);
        if (!address.isLoopbackAddress() && !options.authenticated()) {
            throw new IllegalArgumentException(options.keys().host().key() + "=" + options.host()
                    + " is not a loopback address: " + name + " needs " + options.keys().user().key() + " and "
                    + options.keys().password().key() + " to listen on it (and " + options.keys().https().key()
                    + "=true to keep the password off the wire)");
        }
        Credentials credentials = options.authenticated() ? Credentials.of(options.user(), options.password()) : null;
        if (credentials != null && credentials.plainText()) {
            LOG.log(Level.WARNING, "portwatch: " + options.keys().password().key() + " is plain text; give a bcrypt"
                    + " hash instead (java -jar portwatch.jar hash-password)");
        }
        if (!address.isLoopbackAddress() && !options.https()) {
            LOG.log(Level.WARNING, "portwatch: " + name + " on " + Addresses.format(address, options.port())
                    + " takes basic authentication over plain HTTP: the password crosses the network readable;"
                    + " set " + options.keys().https().key() + "=true");
        }
        SslContextFactory.Server tls = options.https() ? TlsContexts.of(options) : null;

        String threadPrefix = "portwatch-" + route.threadName();
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, MIN_THREADS, 60_000);
        threads.setName(threadPrefix + "-http");
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler(threadPrefix + "-scheduler", true);
        Server server = new Server(threads);
        server.addBean(scheduler);
        server.setStopTimeout(0);

        ServerConnector connector = connector(server, threads, scheduler, tls, address, options);
        ConnectionGuard guard = new ConnectionGuard(options.limits(), System::nanoTime);
        connector.addEventListener(guard);
        server.addConnector(connector);

        BytesInFlight inFlight = new BytesInFlight(options.limits().maxBytesInFlight());
        AnswerHandler answers = new AnswerHandler(new SpiContext(route.path(), route.handler()),
                route.maxResponseBytes(), inFlight);
        GuardHandler guardHandler = new GuardHandler(route.path(), route.subPaths(), route.acceptsBody(),
                new BrowserGuard(address.isLoopbackAddress()), credentials, guard, options.limits().maxBodyBytes(),
                route.bodyCheck(), answers);
        server.setHandler(guardHandler);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server, e);
            String where = Addresses.format(address, options.port());
            if (e.getCause() instanceof BindException bind) {
                BindException named = new BindException(name + " cannot listen on " + where + ": " + bind.getMessage());
                named.initCause(e);
                throw named;
            }
            throw new IOException(name + " cannot start on " + where + ": " + e, e);
        }
        GuardSweeper sweeper = GuardSweeper.start(scheduler, guard, name);
        return new EndpointServer(server, connector, guard, guardHandler, inFlight, sweeper, tls != null, route.path());
    }

    /** One connector: plain HTTP/1.1 or TLS in front of it, the read timeout as Jetty's idle timeout too. */
    private static ServerConnector connector(Server server, QueuedThreadPool threads, Scheduler scheduler,
                                             SslContextFactory.Server tls, InetAddress address, EndpointOptions options) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(8 * 1024);
        http.setIdleTimeout(options.limits().readTimeout().toMillis());
        HttpConnectionFactory plain = new HttpConnectionFactory(http);
        ServerConnector connector = tls == null
                ? new ServerConnector(server, threads, scheduler, null, 1, 1, plain)
                : new ServerConnector(server, threads, scheduler, null, 1, 1,
                new SslConnectionFactory(tls, plain.getProtocol()), plain);
        connector.setHost(address.getHostAddress());
        connector.setPort(options.port());
        connector.setIdleTimeout(options.limits().readTimeout().toMillis());
        connector.setAcceptQueueSize(64);
        connector.setReuseAddress(true);
        return connector;
    }

    /** The port listened on (the one picked when started with port 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Where the endpoint answers, e.g. {@code http://127.0.0.1:9798/metrics}, with {@code suffix} after the path. */
    public URI url(String suffix) {
        String host = connector.getHost();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        try {
            return new URI(https ? "https" : "http", null, host, port(), path + suffix, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("no URL for " + host, e);
        }
    }

    /** Connections open now (for tests). */
    int openConnections() {
        return guard.openConnections();
    }

    /** Bytes reserved for request bodies in memory now (for tests). */
    long bufferedBodyBytes() {
        return bodies.bufferedBodyBytes();
    }

    /** Bytes of answers built and not yet sent now (for tests). */
    long bytesInFlight() {
        return inFlight.used();
    }

    /** Stops listening and ends the endpoint's threads. Never throws; closing twice does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            sweeper.cancel();
            stopQuietly(server, null);
        }
    }

    private static void stopQuietly(Server server, Exception failure) {
        try {
            server.stop();
        } catch (Exception e) {
            if (failure != null) {
                failure.addSuppressed(e);
            } else {
                LOG.log(Level.WARNING, "portwatch: stopping an HTTP endpoint failed: " + e);
            }
        }
    }

    private static InetAddress resolve(EndpointOptions options) throws IOException {
        try {
            return InetAddress.getByName(options.host());
        } catch (UnknownHostException e) {
            throw new IOException(options.keys().host().key() + ": cannot resolve \"" + options.host() + "\"", e);
        }
    }
}
