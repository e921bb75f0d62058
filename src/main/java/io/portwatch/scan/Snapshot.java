package io.portwatch.scan;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every socket of the host, with what is known of their owners, at one instant. Immutable.
 *
 * @param takenAt   when the scan started
 * @param duration  how long the scan took
 * @param sockets   every socket seen
 * @param processes owners by pid (only processes that own at least one socket)
 * @param listen    the host's listen overflow and drop counters, {@link ListenCounters#UNKNOWN} when not told
 */
public record Snapshot(Instant takenAt, Duration duration, List<SocketEntry> sockets, Map<Integer, ProcessInfo> processes,
                       ListenCounters listen) {

    /** A snapshot without listen counters. */
    public Snapshot(Instant takenAt, Duration duration, List<SocketEntry> sockets, Map<Integer, ProcessInfo> processes) {
        this(takenAt, duration, sockets, processes, ListenCounters.UNKNOWN);
    }

    public Snapshot {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(duration, "duration");
        sockets = List.copyOf(sockets);
        processes = Map.copyOf(processes);
    }

    /** The owner of a socket, empty when it cannot be seen. */
    public Optional<ProcessInfo> owner(SocketEntry socket) {
        return socket.hasOwner() ? Optional.ofNullable(processes.get(socket.pid())) : Optional.empty();
    }
}
