package io.portwatch.history;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Hand-built sockets, processes and snapshots for the history tests. */
public final class Snapshots {

    private Snapshots() {
    }

    public static SocketEntry tcp(String local, int localPort, String remote, int remotePort, SocketState state, long inode, int pid) {
        return new SocketEntry(Protocol.TCP, Addresses.parseLiteral(local), localPort, Addresses.parseLiteral(remote),
                remotePort, state, inode, 0, pid);
    }

    public static SocketEntry udp(String local, int localPort, long inode, int pid) {
        return new SocketEntry(Protocol.UDP, Addresses.parseLiteral(local), localPort, Addresses.anyIPv4(), 0,
                SocketState.UNCONN, inode, 0, pid);
    }

    public static SocketEntry listen(String local, int port, long inode, int pid) {
        return tcp(local, port, "0.0.0.0", 0, SocketState.LISTEN, inode, pid);
    }

    public static ProcessInfo process(int pid, String name, String user, String exePath) {
        return new ProcessInfo(pid, name, exePath.substring(exePath.lastIndexOf('/') + 1), user, exePath,
                exePath + " --serve", Instant.parse("2026-11-20T06:00:00Z").plusSeconds(pid));
    }

    /** A snapshot of these sockets, owned by these processes. */
    public static Snapshot snapshot(Instant at, List<SocketEntry> sockets, ProcessInfo... owners) {
        Map<Integer, ProcessInfo> byPid = new HashMap<>();
        for (ProcessInfo p : owners) {
            byPid.put(p.pid(), p);
        }
        return new Snapshot(at, Duration.ofMillis(3), sockets, byPid);
    }

    public static Snapshot snapshot(String at, List<SocketEntry> sockets, ProcessInfo... owners) {
        return snapshot(Instant.parse(at), sockets, owners);
    }
}
