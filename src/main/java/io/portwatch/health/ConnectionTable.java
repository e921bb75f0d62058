package io.portwatch.health;

import io.portwatch.config.PortRange;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * TCP connections ordered by one of their ports (a counting sort), so that the connections of any
 * port range are one slice. The first row asking for a range has that slice grouped by remote
 * address ({@link Bucket}); later rows asking for the same range reuse it.
 */
final class ConnectionTable {

    private final ConnectionColumns columns;
    /** Column positions sorted by port; those of port p are {@code order[start[p] .. start[p + 1])}. */
    private final int[] order;
    private final int[] start = new int[65537];
    private final Map<PortRange, Bucket> buckets = new HashMap<>();

    /** Orders the connections by {@code ports} (their remote or their local ports, indexed like the columns). */
    ConnectionTable(ConnectionColumns columns, int[] ports) {
        this.columns = columns;
        int n = columns.size();
        int[] count = new int[65536];
        for (int i = 0; i < n; i++) {
            count[ports[i]]++;
        }
        for (int p = 0; p < 65536; p++) {
            start[p + 1] = start[p] + count[p];
        }
        order = new int[n];
        int[] next = count; // reused: next free slot per port
        System.arraycopy(start, 0, next, 0, 65536);
        for (int i = 0; i < n; i++) {
            order[next[ports[i]]++] = i;
        }
    }

    /** How many connections have that port in the range (without grouping them). */
    int count(PortRange ports) {
        return start[ports.high() + 1] - start[ports.low()];
    }

    /** The connections with that port in the range, grouped by remote address. */
    Bucket bucket(PortRange ports) {
        return buckets.computeIfAbsent(ports, r -> new Bucket(columns, order, start[r.low()], start[r.high() + 1]));
    }

    /** One port range's connections: all of them, and by remote address. */
    static final class Bucket {

        private final ConnectionColumns columns;
        private final int[] order;
        private final int from;
        private final int to;
        private final Map<InetAddress, SocketGroup> byRemote = new HashMap<>();
        private SocketGroup all; // only rows to any address need it

        private Bucket(ConnectionColumns columns, int[] order, int from, int to) {
            this.columns = columns;
            this.order = order;
            this.from = from;
            this.to = to;
            InetAddress lastRemote = null;
            SocketGroup last = null;
            for (int k = from; k < to; k++) {
                int position = order[k];
                InetAddress remote = columns.remoteAddress(position);
                if (remote != lastRemote) { // scans share one object per address: often the same one again
                    lastRemote = remote;
                    last = byRemote.computeIfAbsent(remote, a -> SocketGroup.empty(columns));
                }
                last.append(position);
            }
        }

        /** Every connection of the range (to any address). */
        SocketGroup all() {
            if (all == null) {
                all = SocketGroup.union(columns, order, from, to, byRemote.values());
            }
            return all;
        }

        /** The group of that remote address, null when no connection goes there. */
        SocketGroup to(InetAddress remote) {
            return byRemote.get(remote);
        }
    }
}
