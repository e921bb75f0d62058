package io.portwatch.testing;

import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

/**
 * A snapshot whose processes have sockets in two network namespaces, for the census and
 * {@code portwatch_process_sockets{netns}}: with {@code processes.max=3} it keeps nginx, a and unknown, and sums b,
 * c and d as other.
 *
 * <pre>
 * pid 10 nginx  host        ESTABLISHED x2
 * pid 11 nginx  container   ESTABLISHED x1, LISTEN x1
 * pid 12 nginx  host        ESTABLISHED x1   (one pid, two namespaces)
 * pid 12 nginx  container   ESTABLISHED x1
 * pid 20 a      host        ESTABLISHED x3
 * pid 21 b      container   ESTABLISHED x1   (other)
 * pid 22 c      host        ESTABLISHED x1   (other)
 * pid 23 d      host        ESTABLISHED x1   (other)
 * owner unseen  container   TIME_WAIT x2     (unknown)
 * owner unseen  host        TIME_WAIT x1     (unknown; after the container's sockets: back to a namespace seen)
 * </pre>
 */
public final class NamespacedSockets {

    /** The container's namespace. */
    public static final NetNamespace CONTAINER = new NetNamespace(4026532999L, "container:4f8e2a9c1b7d", false);
    /** portwatch's own namespace, named {@code host}. */
    public static final NetNamespace HOST = new NetNamespace(4026531840L, "host", true);
    /** The cap under which b, c and d are summed as other. */
    public static final int PROCESSES_MAX = 3;

    private NamespacedSockets() {
    }

    /** The snapshot of the table above; sockets of one namespace mostly come in runs, as a scan reads them. */
    public static Snapshot snapshot() {
        SnapshotBuilder b = new SnapshotBuilder().process(10, "nginx").process(11, "nginx").process(12, "nginx")
                .process(20, "a").process(21, "b").process(22, "c").process(23, "d");
        int[] port = {40000};
        established(b, HOST, 10, 2, port);
        established(b, HOST, 12, 1, port);
        established(b, HOST, 20, 3, port);
        established(b, HOST, 22, 1, port);
        established(b, HOST, 23, 1, port);
        established(b, CONTAINER, 11, 1, port);
        b.socket(Sockets.in(CONTAINER, Sockets.listen("0.0.0.0", 80, 1, 11)));
        established(b, CONTAINER, 12, 1, port);
        established(b, CONTAINER, 21, 1, port);
        for (int i = 0; i < 2; i++) {
            b.socket(Sockets.in(CONTAINER, Sockets.tcp("172.17.0.2", port[0]++, "10.0.0.9", 443, SocketState.TIME_WAIT,
                    1, SocketEntry.UNKNOWN_PID)));
        }
        b.socket(Sockets.in(HOST, Sockets.tcp("10.0.0.1", port[0]++, "10.0.0.9", 443, SocketState.TIME_WAIT, 1,
                SocketEntry.UNKNOWN_PID)));
        return b.build();
    }

    private static void established(SnapshotBuilder b, NetNamespace ns, int pid, int n, int[] port) {
        for (int i = 0; i < n; i++) {
            b.socket(Sockets.in(ns, Sockets.tcp("10.0.0.1", port[0]++, "10.0.0.9", 443, SocketState.ESTABLISHED, 1,
                    pid)));
        }
    }
}
