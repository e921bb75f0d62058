package io.portwatch.learn;

import io.portwatch.config.PortRange;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a host has now, as rows to expect from now on: one listening row per listening socket (protocol, address —
 * a wildcard stays a wildcard —, port, owner's name), and one connection row per remote address and port a process
 * holds ESTABLISHED, in portwatch's own network namespace (the rows a file without a {@code netns} column is
 * about; containers' sockets would need a namespace name that changes with each container). Left out: listeners
 * on ephemeral ports (clients' UDP sockets, short-lived servers), the ports
 * given as portwatch's own endpoints, inbound connections (to a local listener: their remote port is a client's),
 * and, unless asked for, sockets on loopback addresses. Sockets that differ only in what a row cannot tell apart
 * (several sockets of one listener, workers of one server, a pool of connections) give one row.
 *
 * @param listening   the listening rows, by protocol, port, address and process
 * @param connections the connection rows, by remote port, address and process
 */
public record Baseline(List<Listener> listening, List<Connection> connections) {

    /**
     * A listening row to write. {@code process} is "" when the owner could not be seen, and then {@code hidden} says
     * why ({@link HiddenOwner}); else {@code hidden} is "".
     */
    public record Listener(Protocol protocol, InetAddress address, int port, String process, String hidden) {
    }

    /**
     * A connection row to write, {@code minCount=1}. {@code process} is "" when the owner could not be seen, and then
     * {@code hidden} says why; else {@code hidden} is "".
     */
    public record Connection(InetAddress remote, int remotePort, String process, String hidden) {
    }

    /** What to leave out; {@code learnerUid} is the uid learn runs as, to say why an owner is hidden. */
    public record Options(PortRange ephemeral, Set<Integer> ownPorts, boolean includeLoopback, boolean connections,
                          int learnerUid) {
        public Options {
            ownPorts = Set.copyOf(ownPorts);
        }

        /** Options for learn running as this process's effective uid. */
        public Options(PortRange ephemeral, Set<Integer> ownPorts, boolean includeLoopback, boolean connections) {
            this(ephemeral, ownPorts, includeLoopback, connections, HiddenOwner.effectiveUid());
        }
    }

    public Baseline {
        listening = List.copyOf(listening);
        connections = List.copyOf(connections);
    }

    /** The baseline of a snapshot. */
    public static Baseline of(Snapshot snapshot, Options options) {
        Map<String, Listener> listeners = new LinkedHashMap<>();
        Set<String> listeningPorts = new HashSet<>();
        for (SocketEntry s : snapshot.sockets()) {
            if (!isListener(s) || !s.netns().own()) {
                continue;
            }
            listeningPorts.add(s.protocol() + ":" + s.localPort());
            if (options.ephemeral().contains(s.localPort()) || options.ownPorts().contains(s.localPort())
                    || !options.includeLoopback() && s.localAddress().isLoopbackAddress()) {
                continue;
            }
            String process = owner(snapshot, s);
            Listener l = new Listener(s.protocol(), withoutZone(s.localAddress()), s.localPort(), process,
                    hidden(process, s, options));
            listeners.putIfAbsent(key(l.protocol().label(), l.address(), l.port(), l.process()), l);
        }
        Map<String, Connection> connections = new LinkedHashMap<>();
        if (options.connections()) {
            for (SocketEntry s : snapshot.sockets()) {
                if (s.protocol() != Protocol.TCP || s.state() != SocketState.ESTABLISHED || !s.netns().own()
                        || listeningPorts.contains(s.protocol() + ":" + s.localPort())
                        || options.ownPorts().contains(s.remotePort())
                        || !options.includeLoopback() && s.remoteAddress().isLoopbackAddress()) {
                    continue;
                }
                String process = owner(snapshot, s);
                Connection c = new Connection(withoutZone(s.remoteAddress()), s.remotePort(), process,
                        hidden(process, s, options));
                connections.putIfAbsent(key("c", c.remote(), c.remotePort(), c.process()), c);
            }
        }
        return new Baseline(
                listeners.values().stream().sorted(Comparator.comparing((Listener l) -> l.protocol().label())
                        .thenComparingInt(Listener::port).thenComparing(l -> l.address().getHostAddress())
                        .thenComparing(Listener::process)).collect(Collectors.toList()),
                connections.values().stream().sorted(Comparator.comparingInt(Connection::remotePort)
                        .thenComparing(c -> c.remote().getHostAddress()).thenComparing(Connection::process))
                        .collect(Collectors.toList()));
    }

    private static boolean isListener(SocketEntry s) {
        return s.protocol() == Protocol.TCP ? s.state() == SocketState.LISTEN : s.state() == SocketState.UNCONN;
    }

    private static String owner(Snapshot snapshot, SocketEntry s) {
        return snapshot.owner(s).map(p -> p.name()).orElse("");
    }

    private static String hidden(String process, SocketEntry s, Options options) {
        return process.isEmpty() ? HiddenOwner.why(s, options.learnerUid()) : "";
    }

    /** Rows whose ids would be the same (ids ignore case) are one row. */
    private static String key(String kind, InetAddress address, int port, String process) {
        return kind + "|" + address.getHostAddress() + "|" + port + "|" + process.toLowerCase(Locale.ROOT);
    }

    /** A link-local address without its interface: definitions hold addresses, not interfaces. */
    private static InetAddress withoutZone(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // not reached: the bytes come from an address
        }
    }
}
