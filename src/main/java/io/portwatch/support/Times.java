package io.portwatch.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How portwatch writes an instant wherever it prints or publishes one: UTC ISO-8601, always with milliseconds. */
public final class Times {

    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** {@code 2026-11-22T10:15:30.123Z}. */
    public static String iso(Instant at) {
        return ISO_MILLIS.format(at);
    }
}
