package io.portwatch.scan;

import java.util.Locale;

/** Transport protocol of a socket. */
public enum Protocol {
    TCP,
    UDP;

    /** Lower-case name as users write it: {@code tcp} or {@code udp}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code tcp} or {@code udp}, case-insensitively.
     *
     * @throws IllegalArgumentException naming the value when it is neither
     */
    public static Protocol parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "tcp": return TCP;
            case "udp": return UDP;
            default: throw new IllegalArgumentException("expecting tcp or udp (found \"" + text + "\")");
        }
    }
}
