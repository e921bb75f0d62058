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
 * The sockets of a snapshot indexed by port, so that evaluating a row is a lookup rather than a walk
 * over every socket, and counted for the census, in one pass. Built once per evaluation.
 */
final class SocketIndex {

    /** Ranges wider than this are answered by a walk over the (few) candidates instead of per-port lookups. */
    private static final int MAX_RANGE_LOOKUPS = 256;

    private final Map<Integer, List<SocketEntry>> listenersByProtocolPort = new HashMap<>();
    private final List<SocketEntry> listeners = new ArrayList<>();
    private final ConnectionColumns connections;
    private final ConnectionTable byRemotePort;
    private ConnectionTable byLocalPort; // only rows with a localPort need it
    private final SocketCensus census;

    /** Indexes {@code snapshot}; the census keeps at most {@code processesMax} process names (see {@link SocketCensus}). */
    SocketIndex(Snapshot snapshot, int processesMax) {
        this(snapshot, processesMax, true);
    }

    /** Indexes some of a snapshot's sockets for the rows that see only them (no census: the evaluation's index has it). */
    static SocketIndex withoutCensus(Snapshot snapshot) {
        return new SocketIndex(snapshot, 0, false);
    }

    private SocketIndex(Snapshot snapshot, int processesMax, boolean withCensus) {
        connections = new ConnectionColumns(snapshot.sockets().size());
        int[] hostTally = SocketCensus.newHostTally();
        NetnsTallies byNetnsAndPid = withCensus ? SocketCensus.newNetnsTallies() : null;
        for (SocketEntry s : snapshot.sockets()) {
            if (withCensus) {
                SocketCensus.count(s, hostTally, byNetnsAndPid);
            }
            if (isListener(s)) {
                listeners.add(s);
                listenersByProtocolPort.computeIfAbsent(key(s.protocol(), s.localPort()), k -> new ArrayList<>(2)).add(s);
            } else if (s.protocol() == Protocol.TCP && s.state() != SocketState.CLOSE) {
                connections.add(s);
            }
        }
        byRemotePort = new ConnectionTable(connections, connections.remotePorts());
        census = withCensus ? new SocketCensus(snapshot, hostTally, byNetnsAndPid, processesMax) : null;
    }

    /**
     * Socket counts per process and for the host, tallied in the same pass.
     *
     * @throws IllegalStateException for an index made {@link #withoutCensus}
     */
    SocketCensus census() {
        if (census == null) {
            throw new IllegalStateException("an index of some namespaces' sockets has no census");
        }
        return census;
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

    /** Non-listening TCP sockets by remote port. */
    ConnectionTable connectionsByRemotePort() {
        return byRemotePort;
    }

    /** Non-listening TCP sockets by local port (built on first use). */
    ConnectionTable connectionsByLocalPort() {
        if (byLocalPort == null) {
            byLocalPort = new ConnectionTable(connections, connections.localPorts());
        }
        return byLocalPort;
    }

    private static int key(Protocol protocol, int port) {
        return protocol.ordinal() << 16 | port;
    }
}
