package io.portwatch.testing;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Snapshot} for tests, socket by socket; taken at {@link #AT} in 5 ms unless told otherwise. Sockets added
 * through the shorthands get inodes 1, 2, 3... in order.
 */
public final class SnapshotBuilder {

    /** When snapshots are taken unless told otherwise. */
    public static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    private Instant at = AT;
    private Duration took = Duration.ofMillis(5);
    private final List<SocketEntry> sockets = new ArrayList<>();
    private final Map<Integer, ProcessInfo> processes = new HashMap<>();

    public SnapshotBuilder at(Instant time) {
        at = time;
        return this;
    }

    public SnapshotBuilder at(String isoInstant) {
        return at(Instant.parse(isoInstant));
    }

    public SnapshotBuilder took(Duration d) {
        took = d;
        return this;
    }

    public SnapshotBuilder process(ProcessInfo p) {
        processes.put(p.pid(), p);
        return this;
    }

    /** A process run by root from {@code /usr/bin/NAME}. */
    public SnapshotBuilder process(int pid, String name) {
        return process(Sockets.process(pid, name));
    }

    public SnapshotBuilder socket(SocketEntry s) {
        sockets.add(s);
        return this;
    }

    public SnapshotBuilder sockets(List<SocketEntry> all) {
        sockets.addAll(all);
        return this;
    }

    /** A listener ({@code tcp}: LISTEN, {@code udp}: bound unconnected) on {@code address:port}. */
    public SnapshotBuilder listen(String protocol, String address, int port, int pid) {
        return socket(Sockets.listen(protocol, address, port, sockets.size() + 1, pid));
    }

    public SnapshotBuilder tcp(String local, int localPort, String remote, int remotePort, SocketState state, int pid) {
        return socket(Sockets.tcp(local, localPort, remote, remotePort, state, sockets.size() + 1, pid));
    }

    /** A snapshot taken at {@code at} (3 ms long) of these sockets, owned by these processes. */
    public static Snapshot snapshot(String at, List<SocketEntry> sockets, ProcessInfo... owners) {
        return snapshot(Instant.parse(at), sockets, owners);
    }

    public static Snapshot snapshot(Instant at, List<SocketEntry> sockets, ProcessInfo... owners) {
        SnapshotBuilder b = new SnapshotBuilder().at(at).took(Duration.ofMillis(3)).sockets(sockets);
        for (ProcessInfo p : owners) {
            b.process(p);
        }
        return b.build();
    }

    public Snapshot build() {
        return new Snapshot(at, took, sockets, processes);
    }
}
