package io.portwatch.history;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * When a log file is rotated: by size, at a new UTC day, and how many rotated files are kept.
 *
 * @param maxSize rotate before a row would make the file larger than this many bytes; 0 = never
 * @param daily   rotate at the first write of a new UTC day
 * @param keep    rotated files kept (the oldest beyond are deleted)
 */
record RotationPolicy(long maxSize, boolean daily, int keep) {

    RotationPolicy {
        if (maxSize < 0 || keep < 0) {
            throw new IllegalArgumentException("maxSize and keep must not be negative");
        }
    }

    /** True when the daily rotation is due: the file's first row is of another UTC day than {@code today}. */
    boolean newDay(Instant firstRowAt, LocalDate today) {
        return daily && firstRowAt != null && !today.equals(LocalDate.ofInstant(firstRowAt, ZoneOffset.UTC));
    }

    /** True when a file whose first row was written at {@code firstRowAt} must rotate before growing to {@code sizeAfter}. */
    boolean due(Instant firstRowAt, LocalDate today, long sizeAfter) {
        return newDay(firstRowAt, today) || maxSize > 0 && sizeAfter > maxSize;
    }
}
