package io.portwatch.config;

import java.util.Locale;

/** How bad it is when a row is not GREEN; carried to metrics and alerts as the {@code severity} label. */
public enum Severity {
    CRITICAL,
    WARNING;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code critical} or {@code warning}; empty means critical. */
    public static Severity parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("critical")) {
            return CRITICAL;
        }
        if (t.equals("warning")) {
            return WARNING;
        }
        throw new IllegalArgumentException("expecting critical or warning (found \"" + text + "\")");
    }
}
