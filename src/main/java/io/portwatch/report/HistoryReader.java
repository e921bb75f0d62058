package io.portwatch.report;

import io.portwatch.history.ConnectionsLog;
import io.portwatch.history.EventType;
import io.portwatch.history.HistoryFiles;
import io.portwatch.text.Csv;
import io.portwatch.text.Printable;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the rows of one input of {@code report} (a history file or a Log-Connections CSV) into {@link ReportRow}s,
 * streaming: one row in memory at a time, read by the bounded {@link Csv.Reader} (what it cannot take is an
 * IOException naming {@code file:line}). Columns are found by header name, case-insensitively; a row shorter than
 * its header reads the missing fields as empty. Every value is made {@link Printable} here, where it enters, so no
 * renderer can be handed a control character. Not thread-safe.
 */
final class HistoryReader {

    private static final int PROGRESS_EVERY = 4096;
    /** The most characters of a header quoted in the error for a file of no known kind. */
    static final int HEADER_EXCERPT = 80;

    private long shortRows;

    /** Rows read so far with fewer fields than their header. */
    long shortRows() {
        return shortRows;
    }

    /**
     * The kind of a file, from its header.
     *
     * @throws IOException when it is not a regular file (a FIFO would block, and be read twice: header, then rows),
     *                     cannot be read, or is none of the kinds (the message names the file and its header)
     */
    static InputKind kind(Path file) throws IOException {
        RegularFiles.require(file);
        Optional<List<String>> header = ConnectionsLog.header(file);
        if (header.isEmpty()) {
            throw new IOException(file + ": empty file");
        }
        return InputKind.of(header.get()).orElseThrow(() -> new IOException(file + ": not a portwatch history file or"
                + " Log-Connections CSV (header: " + excerpt(String.join(",", header.get())) + ")"));
    }

    /** The start of a header, printable, at most {@link #HEADER_EXCERPT} characters and an ellipsis. */
    private static String excerpt(String header) {
        String cut = header.length() <= HEADER_EXCERPT ? header : header.substring(0, HEADER_EXCERPT) + "\u2026";
        return Printable.of(cut);
    }

    /**
     * Reads every row of {@code file}, of kind {@code kind}, into {@code rows}.
     *
     * @param doneBefore bytes of the inputs read before this one, for {@code progress}
     * @param total      bytes of all inputs
     * @return the bytes read
     */
    long read(Path file, InputKind kind, Consumer<ReportRow> rows, Progress progress, long doneBefore, long total)
            throws IOException {
        String name = Printable.of(file.getFileName().toString());
        try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(file));
             Csv.Reader csv = Csv.Reader.utf8(counted, file.toString())) {
            Optional<List<String>> header = csv.header();
            if (header.isEmpty()) {
                return counted.count;
            }
            Layout layout = new Layout(kind, header.get());
            Set<String> previousSnapshot = new HashSet<>();
            Set<String> currentSnapshot = new HashSet<>();
            String currentStamp = null;
            long n = 0;
            for (List<String> record = csv.next(); record != null; record = csv.next()) {
                if (++n % PROGRESS_EVERY == 0) {
                    progress.at(file, doneBefore + counted.count, total);
                }
                if (record.size() < layout.columnCount) {
                    shortRows++;
                }
                String event;
                String protocol = layout.get(record, Field.PROTOCOL);
                switch (kind) {
                    case EVENTS: {
                        EventType type = EventType.fromLabel(layout.get(record, Field.EVENT));
                        event = type == null ? "other" : type.label();
                        break;
                    }
                    case SNAPSHOT:
                        event = "initial";
                        break;
                    case PROCESSES:
                        event = "process";
                        break;
                    default: {
                        String stamp = layout.get(record, Field.TIME);
                        if (!stamp.equals(currentStamp)) {
                            Set<String> older = previousSnapshot;
                            previousSnapshot = currentSnapshot;
                            currentSnapshot = older;
                            currentSnapshot.clear();
                            currentStamp = stamp;
                        }
                        protocol = protocol.toLowerCase(Locale.ROOT);
                        String key = protocol + " " + layout.get(record, Field.LOCAL_ADDRESS) + " "
                                + layout.get(record, Field.LOCAL_PORT) + " " + layout.get(record, Field.REMOTE_ADDRESS) + " "
                                + layout.get(record, Field.REMOTE_PORT) + " " + layout.get(record, Field.PID);
                        currentSnapshot.add(key);
                        event = previousSnapshot.contains(key) ? "logged again" : "logged";
                    }
                }
                rows.accept(new ReportRow(name, csv.line(), normalizeTime(layout.get(record, Field.TIME)),
                        event, protocol, layout.get(record, Field.LOCAL_ADDRESS),
                        parseInt(layout.get(record, Field.LOCAL_PORT), 0), layout.get(record, Field.REMOTE_ADDRESS),
                        parseInt(layout.get(record, Field.REMOTE_PORT), 0), layout.get(record, Field.STATE),
                        parseInt(layout.get(record, Field.PID), -1), layout.get(record, Field.PROCESS),
                        layout.get(record, Field.USER), layout.get(record, Field.EXE_PATH), layout.get(record, Field.MODULES)));
            }
            return counted.count;
        }
    }

    /** Where each field is in the records of one file. */
    private static final class Layout {
        private final Map<Field, Integer> at = new EnumMap<>(Field.class);
        private final int columnCount;

        Layout(InputKind kind, List<String> header) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                index.putIfAbsent(header.get(i).trim().toLowerCase(Locale.ROOT), i);
            }
            for (Field f : Field.values()) {
                kind.column(f).map(c -> index.get(c.toLowerCase(Locale.ROOT))).ifPresent(i -> at.put(f, i));
            }
            columnCount = header.size();
        }

        /** A field of the record, made printable; "" when the file has no such column or the row is short. */
        String get(List<String> record, Field field) {
            Integer i = at.get(field);
            return i == null || i >= record.size() ? "" : Printable.of(record.get(i));
        }
    }

    /** {@code 2026-11-22T10:15:30.123Z} for any ISO-8601 instant or offset date-time; "" when it is none. */
    static String normalizeTime(String raw) {
        String t = raw.trim();
        if (isWrittenForm(t)) {
            return t; // the form portwatch writes
        }
        if (t.isEmpty()) {
            return "";
        }
        try {
            return HistoryFiles.formatTime(Instant.parse(t));
        } catch (DateTimeParseException e) {
            try {
                return HistoryFiles.formatTime(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException e2) {
                return "";
            }
        }
    }

    /**
     * True for a valid time in exactly the form portwatch writes, {@code uuuu-MM-dd'T'HH:mm:ss.SSS'Z'} (checked
     * without parsing: rows come by the million); the hour of such a time indexes the hours of the report.
     */
    private static boolean isWrittenForm(String t) {
        if (t.length() != 24 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(19) != '.' || t.charAt(23) != 'Z') {
            return false;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22}) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        int year = Integer.parseInt(t, 0, 4, 10);
        int month = Integer.parseInt(t, 5, 7, 10);
        int day = Integer.parseInt(t, 8, 10, 10);
        return month >= 1 && month <= 12 && day >= 1 && day <= Month.of(month).length(Year.isLeap(year))
                && Integer.parseInt(t, 11, 13, 10) <= 23 && Integer.parseInt(t, 14, 16, 10) <= 59
                && Integer.parseInt(t, 17, 19, 10) <= 59;
    }

    /** A decimal int, or {@code otherwise} when the text is not one. */
    static int parseInt(String text, int otherwise) {
        int n = text.length();
        if (n == 0 || n > 9) {
            return otherwise;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return otherwise;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Counts the bytes read, for the progress bar. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
