package io.portwatch.history;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One change between two scans.
 *
 * @param time          when the scan that saw the change started
 * @param type          what happened
 * @param socket        the socket as it is now (for {@link EventType#CLOSE} and {@link EventType#UNLISTEN}: as it was
 *                      last seen)
 * @param previousState the state before a {@link EventType#STATE} change, {@code null} for the other types
 * @param process       the owning process, {@code null} when it cannot be seen
 */
public record SocketEvent(Instant time, EventType type, SocketEntry socket, SocketState previousState, ProcessInfo process) {

    public SocketEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(socket, "socket");
        if ((type == EventType.STATE) != (previousState != null)) {
            throw new IllegalArgumentException("previousState is given for state events and only for them");
        }
    }

    /** The owner, empty when it cannot be seen. */
    public Optional<ProcessInfo> owner() {
        return Optional.ofNullable(process);
    }

    /**
     * One line for a terminal: {@code 2026-11-22T10:15:30.123Z open tcp 127.0.0.1:5000 -> 127.0.0.1:80 ESTABLISHED pid 42 java}.
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(HistoryFiles.formatTime(time)).append(' ').append(type.label()).append(' ')
                .append(socket.protocol().label()).append(' ')
                .append(Addresses.format(socket.localAddress(), socket.localPort())).append(" -> ")
                .append(Addresses.format(socket.remoteAddress(), socket.remotePort())).append(' ');
        if (previousState != null) {
            b.append(previousState).append(" -> ");
        }
        b.append(socket.state());
        if (socket.hasOwner()) {
            b.append(" pid ").append(socket.pid());
        }
        if (process != null) {
            b.append(' ').append(process.name());
            if (!process.user().isEmpty()) {
                b.append(" (").append(process.user()).append(')');
            }
        }
        return b.toString();
    }
}
