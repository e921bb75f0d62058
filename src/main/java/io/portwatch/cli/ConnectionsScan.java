package io.portwatch.cli;

import io.portwatch.config.NetnsPattern;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketSource;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One scan as {@code connections} lists it: the sockets the filters and {@code --netns} let through, in listing
 * order (protocol, local port and address, remote port and address).
 */
record ConnectionsScan(SocketSource source, SocketFilter filter, NetnsPattern namespaces) {

    private static final java.util.List<int[]> EVERY_REMOTE_PORT = java.util.List.of(new int[] {1, 65535});

    static final Comparator<SocketEntry> ORDER = Comparator.comparing(SocketEntry::protocol)
            .thenComparingInt(SocketEntry::localPort).thenComparing(s -> Addresses.format(s.localAddress()))
            .thenComparingInt(SocketEntry::remotePort).thenComparing(s -> Addresses.format(s.remoteAddress()));

    /** Scans the source once; the snapshot keeps its time, duration and processes. */
    Snapshot next() throws IOException {
        source.measureQualityFor(EVERY_REMOTE_PORT); // a listing shows every connection's figures
        Snapshot snapshot = source.scan();
        List<SocketEntry> sockets = snapshot.sockets().stream().filter(s -> filter.test(s, snapshot)
                && namespaces.matches(s.netns())).sorted(ORDER).collect(Collectors.toList());
        return new Snapshot(snapshot.takenAt(), snapshot.duration(), sockets, snapshot.processes());
    }
}
