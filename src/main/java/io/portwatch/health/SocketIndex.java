package io.portwatch.health;

import io.portwatch.config.PortRange;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sockets of a snapshot indexed by port, so that evaluating a row is a hash lookup rather than
 * a walk over every socket. Built once per evaluation.
 */
final class SocketIndex {

    /** Ranges wider than this are answered by a walk over the (few) candidates instead of per-port lookups. */
    private static final int MAX_RANGE_LOOKUPS = 256;

    private final Map<Integer, List<SocketEntry>> listenersByProtocolPort = new HashMap<>();
    private final List<SocketEntry> listeners = new ArrayList<>();
    /** TCP connections sorted by remote port (a counting sort); those of port p are [start[p], start[p + 1]). */
    private final SocketEntry[] tcpByRemotePort;
    private final int[] start = new int[65537];

    SocketIndex(Snapshot snapshot) {
        int[] count = new int[65536];
        int connections = 0;
        for (SocketEntry s : snapshot.sockets()) {
            if (isListener(s)) {
                listeners.add(s);
                listenersByProtocolPort.computeIfAbsent(key(s.protocol(), s.localPort()), k -> new ArrayList<>(2)).add(s);
            } else if (isConnection(s)) {
                count[s.remotePort()]++;
                connections++;
            }
        }
        for (int p = 0; p < 65536; p++) {
            start[p + 1] = start[p] + count[p];
        }
        tcpByRemotePort = new SocketEntry[connections];
        int[] next = java.util.Arrays.copyOf(start, 65536);
        for (SocketEntry s : snapshot.sockets()) {
            if (!isListener(s) && isConnection(s)) {
                tcpByRemotePort[next[s.remotePort()]++] = s;
            }
        }
    }

    private static boolean isConnection(SocketEntry s) {
        return s.protocol() == Protocol.TCP && s.state() != SocketState.CLOSE;
    }

    /** A LISTEN tcp socket, or a bound unconnected udp socket. */
    static boolean isListener(SocketEntry s) {
        return s.protocol() == Protocol.TCP ? s.state() == SocketState.LISTEN : s.state() == SocketState.UNCONN;
    }

    /** Every listener. */
    List<SocketEntry> listeners() {
        return listeners;
    }

    /** Listeners of that protocol on a port in the range. */
    List<SocketEntry> listeners(Protocol protocol, PortRange ports) {
        if (ports.high() - ports.low() < MAX_RANGE_LOOKUPS) {
            List<SocketEntry> out = new ArrayList<>();
            for (int p = ports.low(); p <= ports.high(); p++) {
                out.addAll(listenersByProtocolPort.getOrDefault(key(protocol, p), List.of()));
            }
            return out;
        }
        List<SocketEntry> out = new ArrayList<>();
        for (SocketEntry s : listeners) {
            if (s.protocol() == protocol && ports.contains(s.localPort())) {
                out.add(s);
            }
        }
        return out;
    }

    /** Non-listening TCP sockets with a remote port in the range (a view: sorted by port, so any range is one slice). */
    List<SocketEntry> tcpConnectionsTo(PortRange remotePorts) {
        int from = start[remotePorts.low()];
        int to = start[remotePorts.high() + 1];
        return java.util.Arrays.asList(tcpByRemotePort).subList(from, to);
    }

    private static int key(Protocol protocol, int port) {
        return protocol.ordinal() << 16 | port;
    }
}
