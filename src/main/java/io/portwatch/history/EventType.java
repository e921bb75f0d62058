package io.portwatch.history;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.util.Locale;

/**
 * What happened to a socket between two scans, as written in the {@code event} column.
 * A listener (a TCP socket in LISTEN, a bound unconnected UDP socket, as docs/design.md §3 defines it) appearing
 * or disappearing is {@link #LISTEN} / {@link #UNLISTEN}; any other socket is {@link #OPEN} / {@link #CLOSE}.
 */
public enum EventType {
    /** A socket that is not a listener appeared. */
    OPEN,
    /** A socket that is not a listener disappeared. */
    CLOSE,
    /** The same socket is in another state (e.g. ESTABLISHED to TIME_WAIT); the row has both states. */
    STATE,
    /** A listener appeared. */
    LISTEN,
    /** A listener disappeared. */
    UNLISTEN;

    /** The name in the {@code event} column: {@code open}, {@code close}, {@code state}, {@code listen}, {@code unlisten}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type for a label, case-insensitively; {@code null} when there is none. */
    public static EventType fromLabel(String label) {
        for (EventType t : values()) {
            if (t.name().equalsIgnoreCase(label.trim())) {
                return t;
            }
        }
        return null;
    }

    /** True for a TCP socket in LISTEN and a UDP socket bound but not connected. */
    public static boolean isListener(SocketEntry socket) {
        return socket.protocol() == Protocol.TCP ? socket.state() == SocketState.LISTEN
                : socket.state() == SocketState.UNCONN;
    }
}
