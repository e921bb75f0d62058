package io.portwatch.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of a definitions file into records, each with the physical 1-based line it starts on.
 *
 * <p>Rules: a leading byte order mark is skipped; lines end with CRLF, LF or CR; outside a quoted
 * field, a line that is blank or whose first non-blank character is {@code #} is skipped (it still
 * counts as a line); fields are separated by commas; a field whose first non-blank character is
 * {@code "} is quoted and may hold commas, line breaks and {@code ""} for a quote; every field is
 * stripped of surrounding white space. A {@code "} inside an unquoted field is an ordinary character.
 * Records are read one at a time ({@link #next()}), so a reader holds only the record at hand; a record
 * of more than {@value #MAX_FIELDS} fields is a syntax error; messages quote at most
 * {@value #QUOTED_MAX} characters of a value.
 *
 * <p>Why not commons-csv: it recognises {@code #} only in the first column, reports a record's
 * character position before the comment and blank lines it skipped, and stops at the first
 * malformed quote. This reader keeps exact line numbers and reports every syntax error it can.
 */
final class DefinitionsCsv {

    /** A value longer than this many characters is shown cut in messages (see {@link #quoted(String)}). */
    static final int QUOTED_MAX = 256;
    /** How many characters of a longer value a message shows. */
    static final int QUOTED_CUT = 64;
    /** More fields in one record are a syntax error (the files have at most 13 columns); fields held stay bounded. */
    static final int MAX_FIELDS = 64;

    /** What {@link #next()} gives: a record or a syntax error, in the order they appear in the text. */
    sealed interface Item permits Record, SyntaxError {
    }

    /** One record: the physical line it starts on and its stripped fields. */
    record Record(long line, List<String> fields) implements Item {
        Record {
            fields = List.copyOf(fields);
        }
    }

    /** A syntax error at a physical line. */
    record SyntaxError(long line, String message) implements Item {
    }

    /** The records read, and the syntax errors (records with errors are left out). */
    record Result(List<Record> records, List<SyntaxError> errors) {
        Result {
            records = List.copyOf(records);
            errors = List.copyOf(errors);
        }
    }

    private final String text;
    private int pos;
    private long line = 1;
    private boolean ended;

    DefinitionsCsv(String text) {
        this.text = text;
        this.pos = text.startsWith("\uFEFF") ? 1 : 0;
    }

    /** Reads all records of the text at once (tests, small texts; a loader reads {@link #next()} by next). */
    static Result read(String text) {
        DefinitionsCsv csv = new DefinitionsCsv(text);
        List<Record> records = new ArrayList<>();
        List<SyntaxError> errors = new ArrayList<>();
        for (Item item = csv.next(); item != null; item = csv.next()) {
            if (item instanceof Record) {
                records.add((Record) item);
            } else {
                errors.add((SyntaxError) item);
            }
        }
        return new Result(records, errors);
    }

    /**
     * A value as messages show it: {@code "value"}; a value longer than {@value #QUOTED_MAX} characters
     * as its first {@value #QUOTED_CUT} and its length, {@code "abc..." (300 characters)}, so that no
     * message grows with the input.
     */
    static String quoted(String value) {
        int length = value.codePointCount(0, value.length());
        if (length <= QUOTED_MAX) {
            return "\"" + value + "\"";
        }
        return "\"" + value.substring(0, value.offsetByCodePoints(0, QUOTED_CUT)) + "...\" (" + length + " characters)";
    }

    /** The next record or syntax error; null at the end of the text. Holds nothing already given. */
    Item next() {
        while (!ended && pos < text.length()) {
            int end = endOfLine(pos);
            int first = pos;
            while (first < end && Character.isWhitespace(text.charAt(first))) {
                first++;
            }
            if (first == end || text.charAt(first) == '#') {
                pos = end;
                skipLineBreak();
                continue;
            }
            return readRecord();
        }
        return null;
    }

    /** Reads one record starting at {@link #pos}: the record, or the syntax error that spoiled it. */
    private Item readRecord() {
        long recordLine = line;
        List<String> fields = new ArrayList<>();
        long count = 0;
        while (true) {
            skipBlanks();
            if (pos < text.length() && text.charAt(pos) == '"') {
                long quoteLine = line;
                String value = readQuoted();
                if (value == null) {
                    ended = true; // an unclosed quote swallowed the rest of the file
                    return new SyntaxError(quoteLine, "quoted field not closed before the end of the file");
                }
                skipBlanks();
                if (pos < text.length() && text.charAt(pos) != ',' && !isLineBreak(text.charAt(pos))) {
                    int end = endOfLine(pos);
                    SyntaxError error = new SyntaxError(line, "expecting a comma or the end of the line after a"
                            + " closing quote (found " + quoted(text.substring(pos, end).strip()) + ")");
                    pos = end;
                    skipLineBreak();
                    return error;
                }
                if (++count <= MAX_FIELDS) {
                    fields.add(value.strip());
                }
            } else {
                int start = pos;
                while (pos < text.length() && text.charAt(pos) != ',' && !isLineBreak(text.charAt(pos))) {
                    pos++;
                }
                if (++count <= MAX_FIELDS) {
                    fields.add(text.substring(start, pos).strip());
                }
            }
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            skipLineBreak();
            if (count > MAX_FIELDS) {
                return new SyntaxError(recordLine, "expecting at most " + MAX_FIELDS + " fields (found " + count + ")");
            }
            return new Record(recordLine, fields);
        }
    }

    /** Reads a quoted field from its opening quote; null when it is not closed. Line breaks become LF. */
    private String readQuoted() {
        StringBuilder value = new StringBuilder();
        pos++; // opening quote
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                    value.append('"');
                    pos += 2;
                    continue;
                }
                pos++;
                return value.toString();
            }
            if (isLineBreak(c)) {
                value.append('\n');
                skipLineBreak();
                continue;
            }
            value.append(c);
            pos++;
        }
        return null;
    }

    private void skipBlanks() {
        while (pos < text.length() && !isLineBreak(text.charAt(pos)) && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    /** Consumes one CRLF, LF or CR at {@link #pos}, if any, and counts the line. */
    private void skipLineBreak() {
        if (pos >= text.length()) {
            return;
        }
        char c = text.charAt(pos);
        if (c == '\r') {
            pos++;
            if (pos < text.length() && text.charAt(pos) == '\n') {
                pos++;
            }
            line++;
        } else if (c == '\n') {
            pos++;
            line++;
        }
    }

    private int endOfLine(int from) {
        int i = from;
        while (i < text.length() && !isLineBreak(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r';
    }
}
