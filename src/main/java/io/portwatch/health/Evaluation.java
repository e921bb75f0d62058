package io.portwatch.health;

import io.portwatch.scan.ListenCounters;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Everything one evaluation found: a result per row, socket counts per process and for the host,
 * unexpected listeners (empty unless enabled), the host's listen overflow counters (as scanned) and what the next
 * evaluation needs of this one's connection quality ({@link QualityHistory}). Immutable.
 */
public record Evaluation(Instant testedAt, List<ListeningResult> listening, List<ConnectionResult> connections,
                         List<ProcessSockets> processes, SocketCounts host, List<UnexpectedListener> unexpected,
                         ListenCounters listen, QualityHistory quality) {

    /** An evaluation without connection-quality history. */
    public Evaluation(Instant testedAt, List<ListeningResult> listening, List<ConnectionResult> connections,
                      List<ProcessSockets> processes, SocketCounts host, List<UnexpectedListener> unexpected,
                      ListenCounters listen) {
        this(testedAt, listening, connections, processes, host, unexpected, listen, QualityHistory.EMPTY);
    }

    /** An evaluation without listen counters. */
    public Evaluation(Instant testedAt, List<ListeningResult> listening, List<ConnectionResult> connections,
                      List<ProcessSockets> processes, SocketCounts host, List<UnexpectedListener> unexpected) {
        this(testedAt, listening, connections, processes, host, unexpected, ListenCounters.UNKNOWN);
    }

    public Evaluation {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(quality, "quality");
        listening = List.copyOf(listening);
        connections = List.copyOf(connections);
        processes = List.copyOf(processes);
        unexpected = List.copyOf(unexpected);
    }

    /** Every row result, listening rows first. */
    public Stream<RowResult> rows() {
        return Stream.concat(listening.stream(), connections.stream());
    }

    /** The worst health of all rows; GREEN when there are none. */
    public Health worst() {
        return rows().map(RowResult::health).reduce(Health.GREEN, Health::worst);
    }

    /** How many rows have that health. */
    public long count(Health health) {
        return rows().filter(r -> r.health() == health).count();
    }
}
