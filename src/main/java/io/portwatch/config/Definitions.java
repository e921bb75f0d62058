package io.portwatch.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The validated rows of both definitions files. Immutable; a reload builds a new one.
 */
public record Definitions(List<ListeningRow> listening, List<ConnectionRow> connections) {

    /** No rows at all. */
    public static final Definitions EMPTY = new Definitions(List.of(), List.of());

    public Definitions {
        listening = List.copyOf(listening);
        connections = List.copyOf(connections);
    }

    /** Only the rows whose {@code host} column matches this host name. */
    public Definitions forHost(String hostName) {
        return new Definitions(
                listening.stream().filter(r -> r.host().matches(hostName)).collect(Collectors.toList()),
                connections.stream().filter(r -> r.host().matches(hostName)).collect(Collectors.toList()));
    }

    /** The {@code remoteName}s of the connection rows, which must be resolved before they can match. */
    public Set<String> remoteNames() {
        return connections.stream().filter(ConnectionRow::hasRemoteName).map(ConnectionRow::remoteName)
                .collect(Collectors.toSet());
    }

    /**
     * The remote port ranges of the connection rows ({@code {low, high}}, 1–65535): the connections whose quality
     * the rows judge, which a netlink source asks the kernel to measure.
     */
    public List<int[]> remotePortRanges() {
        return connections.stream().map(r -> new int[] {Math.max(1, r.remotePort().low()), r.remotePort().high()})
                .filter(r -> r[0] <= r[1]).collect(Collectors.toList());
    }

    public int size() {
        return listening.size() + connections.size();
    }
}
