package io.portwatch.scan;

import java.util.Locale;

/**
 * Socket states, spelled as the Linux kernel names them ({@code TCP_ESTABLISHED} → {@link #ESTABLISHED}).
 * UDP sockets are {@link #UNCONN} when bound and unconnected (as {@code ss} shows them) and
 * {@link #ESTABLISHED} when connected.
 */
public enum SocketState {
    ESTABLISHED,
    SYN_SENT,
    SYN_RECV,
    FIN_WAIT1,
    FIN_WAIT2,
    TIME_WAIT,
    CLOSE,
    CLOSE_WAIT,
    LAST_ACK,
    LISTEN,
    CLOSING,
    NEW_SYN_RECV,
    UNCONN,
    UNKNOWN;

    /**
     * The state of a socket in {@code /proc/net/{tcp,tcp6,udp,udp6}}, from its {@code st} column.
     * Codes follow {@code include/net/tcp_states.h}; UDP uses 1 (connected) and 7 (unconnected).
     */
    public static SocketState fromLinuxCode(Protocol protocol, int code) {
        if (protocol == Protocol.UDP) {
            switch (code) {
                case 1: return ESTABLISHED;
                case 7: return UNCONN;
                default: return UNKNOWN;
            }
        }
        switch (code) {
            case 1: return ESTABLISHED;
            case 2: return SYN_SENT;
            case 3: return SYN_RECV;
            case 4: return FIN_WAIT1;
            case 5: return FIN_WAIT2;
            case 6: return TIME_WAIT;
            case 7: return CLOSE;
            case 8: return CLOSE_WAIT;
            case 9: return LAST_ACK;
            case 10: return LISTEN;
            case 11: return CLOSING;
            case 12: return NEW_SYN_RECV;
            default: return UNKNOWN;
        }
    }

    /** True for the states docs/design.md §3 calls transitional: opening or closing, neither up nor gone. */
    public boolean isTransitional() {
        switch (this) {
            case SYN_SENT: case SYN_RECV: case NEW_SYN_RECV: case FIN_WAIT1: case FIN_WAIT2:
            case TIME_WAIT: case CLOSING: case LAST_ACK:
                return true;
            default:
                return false;
        }
    }

    /**
     * Parses a state name as users type it: case-insensitive, with or without underscores or dashes,
     * and the {@code ss} spellings ({@code ESTAB}, {@code FIN-WAIT-1}, {@code SYN-RECV}).
     *
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static SocketState parse(String text) {
        String wanted = normalize(text);
        if (wanted.equals("ESTAB")) {
            return ESTABLISHED;
        }
        if (wanted.equals("CLOSED")) {
            return CLOSE;
        }
        for (SocketState s : values()) {
            if (normalize(s.name()).equals(wanted)) {
                return s;
            }
        }
        StringBuilder names = new StringBuilder();
        for (SocketState s : values()) {
            if (s != UNKNOWN) {
                names.append(names.length() == 0 ? "" : ", ").append(s.name());
            }
        }
        throw new IllegalArgumentException("expecting one of " + names + " (found \"" + text + "\")");
    }

    private static String normalize(String text) {
        return text.trim().toUpperCase(Locale.ROOT).replace("_", "").replace("-", "");
    }
}
