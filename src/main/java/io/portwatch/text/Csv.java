package io.portwatch.text;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The one CSV dialect of the files portwatch writes and reads (history files, Log-Connections CSVs, learned
 * definitions, {@code report --format=csv}, {@code connections --format=csv}); only the definitions reader keeps its
 * own, {@code Import-Csv}-compatible rules. RFC 4180: fields separated by commas, a field quoted when it holds a
 * comma, a double quote, CR or LF, begins with {@code #}, a blank or a byte order mark, or ends with a blank (so a
 * reader that trims, takes {@code #} for a comment or skips a byte order mark reads the same value), double quotes doubled inside quotes; records end with LF.
 * A record of one empty field is written {@code ""} so that it is not a blank line.
 *
 * <p>Reading takes the same rules and also what other writers do: CRLF or CR line ends, blank lines (skipped), a
 * UTF-8 byte order mark at the start of the file, PowerShell's {@code #TYPE} line before the header, a quote inside an
 * unquoted field (kept as it is). It is bounded whatever the input: a field holds at most {@link #MAX_FIELD_CHARS}
 * characters, a record at most {@link #MAX_RECORD_CHARS} and {@link #MAX_FIELDS} fields; beyond, and for a quoted field
 * not closed before the end of the file or text after a closing quote, the reader throws an {@link IOException}
 * naming {@code file:line}. Values are returned as read: callers that show them make them {@link Printable}.
 */
public final class Csv {

    /** The most characters a field may hold (1 Mi: the modules of a process, 5000 paths, fit). */
    public static final int MAX_FIELD_CHARS = 1 << 20;
    /** The most characters of one record, separators and quotes included. */
    public static final int MAX_RECORD_CHARS = 2 << 20;
    /** The most fields of one record. */
    public static final int MAX_FIELDS = 1024;

    private Csv() {
    }

    /** One record ending in {@code \n}; null is an empty field, anything else its {@code toString()}. */
    public static String line(Object... values) {
        return line(Arrays.asList(values));
    }

    /** One record ending in {@code \n}. */
    public static String line(List<?> values) {
        return record(values) + '\n';
    }

    /** One record without its line end (for the CRLF output of {@code connections --format=csv}). */
    public static String record(List<?> values) {
        if (values.size() == 1 && text(values.get(0)).isEmpty()) {
            return "\"\"";
        }
        StringBuilder b = new StringBuilder(16 * values.size());
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(field(text(values.get(i))));
        }
        return b.toString();
    }

    /**
     * One field, quoted when it needs to be. A value longer than {@link #MAX_FIELD_CHARS} is cut to it (never inside a
     * surrogate pair), so that whatever portwatch writes it can read back.
     */
    public static String field(String value) {
        String v = value;
        if (v.length() > MAX_FIELD_CHARS) {
            int end = MAX_FIELD_CHARS;
            if (Character.isHighSurrogate(v.charAt(end - 1))) {
                end--;
            }
            v = v.substring(0, end);
        }
        return needsQuotes(v) ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    private static boolean needsQuotes(String v) {
        if (v.isEmpty()) {
            return false;
        }
        char first = v.charAt(0);
        if (first == '#' || first == '\uFEFF' || isBlank(first) || isBlank(v.charAt(v.length() - 1))) {
            return true;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /** A character some reader would trim: a control or space character, or Unicode white space. */
    private static boolean isBlank(char c) {
        return c <= ' ' || Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** Reads records one at a time, bounded as {@link Csv} says. Not thread-safe. */
    public static final class Reader implements Closeable {
        private static final int EOF = -1;

        private final java.io.Reader in;
        private final String name;
        private final char[] buffer = new char[8192];
        private final StringBuilder field = new StringBuilder(64);
        private int position;
        private int end;
        private boolean started;
        private boolean afterCr;
        private long line = 1;
        private long recordLine;
        private long recordChars;

        /**
         * @param in   the text
         * @param name what errors name ({@code name:line: ...}): the file, made printable by the caller
         */
        public Reader(java.io.Reader in, String name) {
            this.in = in;
            this.name = name;
        }

        /** UTF-8 bytes, decoded leniently: an invalid sequence is U+FFFD, never an error. */
        public static Reader utf8(InputStream in, String name) {
            return new Reader(new InputStreamReader(in, StandardCharsets.UTF_8), name);
        }

        /**
         * The first record, the header, after a PowerShell {@code #TYPE} line if there is one; empty for a file with
         * no record. Call it first.
         */
        public Optional<List<String>> header() throws IOException {
            List<String> first = next();
            if (first != null && first.size() == 1 && first.get(0).toUpperCase(Locale.ROOT).startsWith("#TYPE")) {
                first = next();
            }
            return Optional.ofNullable(first);
        }

        /** The next record, or null at the end; blank lines are skipped. */
        public List<String> next() throws IOException {
            int c = read();
            while (c == '\n' || c == '\r') {
                c = read();
            }
            if (c == EOF) {
                return null;
            }
            recordLine = line;
            recordChars = 0;
            List<String> fields = new ArrayList<>();
            while (true) {
                if (fields.size() == MAX_FIELDS) {
                    throw error(line, "more than " + MAX_FIELDS + " fields in a record");
                }
                c = c == '"' ? quoted() : unquoted(c);
                fields.add(field.length() == 0 ? "" : field.toString());
                if (c != ',') {
                    return fields; // a line end or the end of the text
                }
                count();
                c = read();
            }
        }

        /** The line the last record returned began on, from 1. */
        public long line() {
            return recordLine;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        /** Reads an unquoted field that begins with {@code c} into {@link #field}; returns the character after it. */
        private int unquoted(int c) throws IOException {
            field.setLength(0);
            while (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                append(c);
                c = read();
            }
            return c;
        }

        /** Reads a quoted field, its opening quote read, into {@link #field}; returns the character after it. */
        private int quoted() throws IOException {
            field.setLength(0);
            long opened = line;
            count();
            while (true) {
                int c = read();
                if (c == EOF) {
                    throw error(opened, "a quoted field is not closed before the end of the file");
                }
                if (c == '"') {
                    count();
                    c = read();
                    if (c != '"') {
                        if (c != ',' && c != '\n' && c != '\r' && c != EOF) {
                            throw error(line, "a character after the closing quote of a field (expecting a comma or"
                                    + " the end of the line)");
                        }
                        return c;
                    }
                }
                append(c);
            }
        }

        private void append(int c) throws IOException {
            if (field.length() == MAX_FIELD_CHARS) {
                throw error(recordLine, "a field longer than " + MAX_FIELD_CHARS + " characters");
            }
            count();
            field.append((char) c);
        }

        private void count() throws IOException {
            if (++recordChars > MAX_RECORD_CHARS) {
                throw error(recordLine, "a record longer than " + MAX_RECORD_CHARS + " characters");
            }
        }

        /** The next character, counting lines (CR, LF and CRLF each end one); a byte order mark at the start skipped. */
        private int read() throws IOException {
            if (position == end) {
                end = in.read(buffer, 0, buffer.length);
                position = 0;
                if (end <= 0) {
                    end = 0;
                    return EOF;
                }
            }
            char c = buffer[position++];
            if (!started) {
                started = true;
                if (c == '\uFEFF') {
                    return read();
                }
            }
            if (afterCr && c != '\n') {
                line++;
            }
            afterCr = c == '\r';
            if (c == '\n') {
                line++;
            }
            return c;
        }

        private IOException error(long at, String what) {
            return new IOException(name + ":" + at + ": " + what);
        }
    }
}
