package io.portwatch.http;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps an endpoint answering while clients misbehave (docs/design.md §5), for each of its network
 * connections:
 * <ul>
 *   <li><b>a deadline for every request</b>: a connection that has not sent a whole request (headers,
 *       and its body while the handler reads it) within the read timeout of connecting — TLS handshake
 *       included — or of its previous response is closed, however slowly it trickles bytes;</li>
 *   <li><b>a deadline for every answer</b>: a response not built and written within the write timeout of its
 *       handler's start (a client that reads it a byte at a time) is cut. No worker thread waits on a reader
 *       meanwhile ({@link BufferedExchange} writes without blocking); the deadline frees the answer's bytes;</li>
 *   <li><b>a cap on open connections</b>: a connection over the cap makes room by closing the
 *       connection that has been waiting for a request the longest (an idle keep-alive, a client that
 *       sent one byte); when every connection is being answered, the newcomer is closed at once.</li>
 * </ul>
 * So connections that send a byte and hold can neither pile up nor lock out a scraper that sends its
 * request: the newest connection is never the one that makes room.
 *
 * <p>Registered on the connector as a {@link Connection.Listener}; the guard handler tells it when a
 * request starts, reads its body and ends; {@link #sweep()} runs on the server's scheduler.
 */
final class ConnectionGuard implements Connection.Listener {

    private enum Phase { WAITING, READING_BODY, ANSWERING }

    /**
     * One network connection: what it is doing and since when (nanoTime). A request's deadline runs from
     * when the connection began waiting for it, through its headers and its body; its answer has a deadline
     * of its own from when the handler starts.
     */
    private static final class Tracked {
        final EndPoint endPoint;
        volatile Phase phase = Phase.WAITING;
        volatile long since;
        volatile long waitingSince;

        Tracked(EndPoint endPoint, long now) {
            this.endPoint = endPoint;
            this.since = now;
            this.waitingSince = now;
        }

        synchronized void enter(Phase next, long now) {
            if (next == Phase.WAITING) {
                waitingSince = now;
            }
            since = next == Phase.READING_BODY ? waitingSince : now;
            phase = next;
        }
    }

    private final int maxConnections;
    private final long readTimeoutNanos;
    private final long writeTimeoutNanos;
    private final LongSupplier nanoTime;
    private final Map<EndPoint, Tracked> open = new ConcurrentHashMap<>();
    private final AtomicLong closedOverCap = new AtomicLong();
    private final AtomicLong closedOverTime = new AtomicLong();

    ConnectionGuard(HttpLimits limits, LongSupplier nanoTime) {
        this.maxConnections = limits.maxConnections();
        this.readTimeoutNanos = limits.readTimeout().toNanos();
        this.writeTimeoutNanos = limits.writeTimeout().toNanos();
        this.nanoTime = nanoTime;
    }

    /** Synchronized: connections open on several threads, and two newcomers must not pick the same victim. */
    @Override
    public synchronized void onOpened(Connection connection) {
        EndPoint endPoint = connection.getEndPoint();
        if (endPoint instanceof EndPoint.Wrapper) {
            return; // the HTTP connection inside TLS: its network connection is tracked already
        }
        Tracked tracked = new Tracked(endPoint, nanoTime.getAsLong());
        open.put(endPoint, tracked);
        if (open.size() > maxConnections) {
            makeRoom(tracked);
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection.getEndPoint());
    }

    /** The handler has a whole request head and starts answering it. */
    void answering(Request request) {
        enter(request, Phase.ANSWERING);
    }

    /** The handler reads the request's body: the request's deadline, from when it began waiting, applies again. */
    void readingBody(Request request) {
        enter(request, Phase.READING_BODY);
    }

    /** The response is complete: the connection waits for its next request, within the read timeout. */
    void answered(Request request) {
        enter(request, Phase.WAITING);
    }

    /**
     * Closes every connection past its deadline: a request not whole within the read timeout of the connection's
     * waiting for it, or an answer not written within the write timeout (a client that reads its response a byte
     * at a time would otherwise hold the answer's bytes for as long as it likes).
     */
    synchronized void sweep() {
        long now = nanoTime.getAsLong();
        for (Tracked t : open.values()) {
            if (now - t.since > (t.phase == Phase.ANSWERING ? writeTimeoutNanos : readTimeoutNanos)) {
                closedOverTime.incrementAndGet();
                close(t);
            }
        }
    }

    /** Connections open now. */
    int openConnections() {
        return open.size();
    }

    /** Connections closed so far because the cap was reached. */
    long closedOverCap() {
        return closedOverCap.get();
    }

    /** Connections closed so far because their request did not arrive in time. */
    long closedOverTime() {
        return closedOverTime.get();
    }

    private void enter(Request request, Phase phase) {
        Tracked t = open.get(networkEndPoint(request));
        if (t != null) {
            t.enter(phase, nanoTime.getAsLong());
        }
    }

    private void makeRoom(Tracked newcomer) {
        Tracked victim = null;
        for (Tracked t : open.values()) {
            if (t != newcomer && t.phase != Phase.ANSWERING && (victim == null || t.since - victim.since < 0)) {
                victim = t;
            }
        }
        closedOverCap.incrementAndGet();
        close(victim != null ? victim : newcomer);
    }

    /** Forgotten at once, so that the next newcomer does not pick a connection that is already closing. */
    private void close(Tracked t) {
        open.remove(t.endPoint);
        t.endPoint.close();
    }

    private static EndPoint networkEndPoint(Request request) {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        while (endPoint instanceof EndPoint.Wrapper wrapper) {
            endPoint = wrapper.unwrap();
        }
        return endPoint;
    }
}
