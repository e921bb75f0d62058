package io.portwatch.prometheus;

import io.portwatch.health.MonitorState;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The Prometheus endpoint: {@code http://HOST:PORT/metrics}, text format or OpenMetrics as the
 * scraper's {@code Accept} header asks. Every scrape reads the last published state through the
 * supplier and nothing else (DESIGN §1).
 *
 * <p>Each published state is rendered once per format and served from that cache to every scrape
 * ({@link CachedExposition}), so concurrent scrapers cost one rendering. Manners inside a host JVM
 * (DESIGN §5): the JDK's own HTTP server with the client library's format writers only (no default
 * registry, which the application may use; no client configuration read from the application's
 * {@code io.prometheus.*} properties; no system property set), and only daemon threads named
 * {@code portwatch-prometheus-*} — including the JDK HTTP server's own dispatcher and timer threads,
 * which are started inside a thread group of their own and renamed.
 */
public final class PrometheusEndpoint implements AutoCloseable {

    /** The path metrics are served on. */
    public static final String PATH = "/metrics";

    /** Prefix of every thread the endpoint runs. */
    static final String THREAD_PREFIX = "portwatch-prometheus-";

    /** Scrapes waiting for a worker beyond this are refused (the connection is closed): bounded memory. */
    private static final int QUEUED_SCRAPES = 64;
    private static final int WORKERS = 2;

    private final HttpServer server;
    private final ExecutorService workers;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PrometheusEndpoint(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /**
     * Starts serving.
     *
     * @param host     address to bind to ({@code 127.0.0.1} by default in the settings)
     * @param port     port to listen on, 0 picks a free one (see {@link #port()})
     * @param state    the last published state; called once per scrape, never waits for a scan
     * @param pidLabel whether {@code portwatch_process_sockets} gets a {@code pid} label
     * @throws IOException with a message naming {@code host:port} when the address cannot be bound
     *                     (port in use, address not local, unknown host)
     */
    public static PrometheusEndpoint start(String host, int port, Supplier<MonitorState> state, boolean pidLabel)
            throws IOException {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(state, "state");
        String where = hostPort(host, port);
        if (port < 0 || port > 65535) {
            throw new IOException("Prometheus endpoint: cannot listen on " + where + ": port must be 0-65535");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IOException("Prometheus endpoint: cannot listen on " + where + ": unknown host", e);
        }

        return startServer(where, address, port, state, pidLabel);
    }

    private static PrometheusEndpoint startServer(String where, InetAddress address, int port, Supplier<MonitorState> state,
                                                  boolean pidLabel) throws IOException {
        ThreadGroup group = new ThreadGroup(THREAD_PREFIX + "group");
        ThreadFactory threads = new DaemonThreads(group);
        ThreadPoolExecutor workers = new ThreadPoolExecutor(WORKERS, WORKERS, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED_SCRAPES), threads);
        workers.allowCoreThreadTimeOut(true);
        try {
            HttpServer server = onThreadOf(threads, () -> {
                HttpServer http = HttpServer.create(new InetSocketAddress(address, port), 0);
                http.createContext(PATH, new CachedExposition(state, pidLabel));
                http.setExecutor(workers);
                http.start();
                return http;
            });
            renameForeignThreads(group);
            return new PrometheusEndpoint(server, workers);
        } catch (BindException e) {
            workers.shutdownNow();
            throw new IOException("Prometheus endpoint: cannot listen on " + where + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException | LinkageError e) {
            workers.shutdownNow();
            throw new IOException("Prometheus endpoint: cannot start on " + where + ": " + e, e);
        }
    }

    /** The port listened on (the one picked when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops listening and ends the endpoint's threads. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            workers.shutdownNow();
        }
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    /** What the server needs of a start: it may throw IOException. */
    private interface Start {
        HttpServer call() throws IOException;
    }

    /**
     * Runs {@code start} on a thread of the endpoint's group and waits for it: the JDK HTTP server
     * creates its timer threads on the creating thread and its dispatcher on a worker, and both land
     * in the group, where {@link #renameForeignThreads} finds them.
     */
    private static HttpServer onThreadOf(ThreadFactory threads, Start start) throws IOException {
        AtomicReference<HttpServer> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = threads.newThread(() -> {
            try {
                result.set(start.call());
            } catch (IOException | RuntimeException | LinkageError e) {
                failure.set(e);
            }
        });
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting", e);
        }
        Throwable t = failure.get();
        if (t instanceof IOException) {
            throw (IOException) t;
        }
        if (t instanceof RuntimeException) {
            throw (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return result.get();
    }

    /** Gives the JDK's own threads in the group ({@code HTTP-Dispatcher}, {@code idle-timeout-task}) portwatch names. */
    private static void renameForeignThreads(ThreadGroup group) {
        Thread[] all = new Thread[group.activeCount() + 16];
        int n = group.enumerate(all, true);
        for (int i = 0; i < n; i++) {
            Thread t = all[i];
            if (!t.getName().startsWith(THREAD_PREFIX)) {
                t.setName(THREAD_PREFIX + t.getName().toLowerCase(Locale.ROOT));
            }
        }
    }

    /** Daemon threads {@code portwatch-prometheus-1, -2, ...} in the endpoint's group. */
    private static final class DaemonThreads implements ThreadFactory {
        private final ThreadGroup group;
        private final AtomicInteger count = new AtomicInteger();

        DaemonThreads(ThreadGroup group) {
            this.group = group;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(group, r, THREAD_PREFIX + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }
}
