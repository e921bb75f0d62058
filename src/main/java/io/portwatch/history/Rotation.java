package io.portwatch.history;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** When the history files are rotated: the {@code history.rotate} setting, any of {@code size,daily,start}. */
public enum Rotation {
    /** When a file would grow beyond {@code history.maxSize}. */
    SIZE,
    /** At the first write of a new UTC day. */
    DAILY,
    /** Each time the log starts (a file left by the previous run is set aside). */
    START;

    /**
     * Parses {@code size,daily,start} (any of them, any order, case-insensitive); empty or {@code none}
     * for never.
     *
     * @throws IllegalArgumentException naming the value, e.g.
     *         {@code history.rotate: expecting any of size, daily, start separated by commas, or none (found "weekly")}
     */
    public static Set<Rotation> parse(String text) {
        Set<Rotation> out = EnumSet.noneOf(Rotation.class);
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("none")) {
            return out;
        }
        for (String part : t.split(",", -1)) {
            String p = part.trim().toUpperCase(Locale.ROOT);
            try {
                out.add(Rotation.valueOf(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("history.rotate: expecting any of size, daily, start separated by commas,"
                        + " or none (found \"" + text + "\")", e);
            }
        }
        return out;
    }
}
