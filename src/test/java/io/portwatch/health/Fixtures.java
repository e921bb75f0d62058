package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** Hand-built rows and snapshots for evaluation tests (no OS involved). */
final class Fixtures {

    static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    private Fixtures() {
    }

    static InetAddress ip(String literal) {
        return Addresses.parseLiteral(literal);
    }

    static ListeningRow listen(String proto, String localIP, String port, String proc) {
        return new ListeningRow(proto + "-" + port + "-" + proc, Protocol.parse(proto),
                localIP.isEmpty() ? Optional.empty() : Optional.of(ip(localIP)), PortRange.parse(port),
                NamePattern.of(proc), "", NamePattern.ANY, Severity.CRITICAL, new Source("test.csv", 2));
    }

    static ConnectionRow connect(String remoteIP, String remoteName, String port, String proc, int min, Integer max) {
        return new ConnectionRow("c-" + port + "-" + proc, remoteIP.isEmpty() ? Optional.empty() : Optional.of(ip(remoteIP)),
                remoteName, PortRange.parse(port), PortRange.ANY, NamePattern.of(proc), "", NamePattern.ANY, min,
                max == null ? OptionalInt.empty() : OptionalInt.of(max), Severity.CRITICAL, new Source("test.csv", 2));
    }

    /** Builds a snapshot socket by socket. */
    static final class SnapshotBuilder {
        private final List<SocketEntry> sockets = new ArrayList<>();
        private final Map<Integer, ProcessInfo> processes = new HashMap<>();

        SnapshotBuilder process(int pid, String name) {
            processes.put(pid, new ProcessInfo(pid, name, name, "root", "/usr/bin/" + name, name, null));
            return this;
        }

        SnapshotBuilder listen(String proto, String address, int port, int pid) {
            Protocol p = Protocol.parse(proto);
            InetAddress local = ip(address);
            InetAddress any = local instanceof java.net.Inet4Address ? Addresses.anyIPv4() : Addresses.anyIPv6();
            sockets.add(new SocketEntry(p, local, port, any, 0, p == Protocol.TCP ? SocketState.LISTEN : SocketState.UNCONN,
                    sockets.size() + 1, 0, pid));
            return this;
        }

        SnapshotBuilder tcp(String local, int localPort, String remote, int remotePort, SocketState state, int pid) {
            sockets.add(new SocketEntry(Protocol.TCP, ip(local), localPort, ip(remote), remotePort, state,
                    sockets.size() + 1, 0, pid));
            return this;
        }

        Snapshot build() {
            return new Snapshot(AT, Duration.ofMillis(5), sockets, processes);
        }
    }
}
