package io.portwatch.config;

import io.portwatch.text.Printable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits the text of a definitions file into records, each with the physical 1-based line it starts on.
 *
 * <p>Rules: a leading byte order mark is skipped; lines end with CRLF, LF or CR; outside a quoted
 * field, a line that is blank or whose first non-blank character is {@code #} is skipped (it still
 * counts as a line); fields are separated by commas; a field whose first non-blank character is
 * {@code "} is quoted and may hold commas, line breaks and {@code ""} for a quote; every field is
 * stripped of surrounding white space. A {@code "} inside an unquoted field is an ordinary character.
 * Every field is made printable where it is read ({@link Printable}, docs/design.md §5 rule 4): a control
 * character, a line break inside a quoted field included, is held as {@code \xHH}.
 *
 * <p>Memory is bounded by the text whatever its quoting (rule 2): records are read one at a time
 * ({@link #next()}), so a reader holds only the record at hand; a record of more than {@value #MAX_FIELDS}
 * fields is a syntax error; of a field longer than {@value #MAX_FIELD_CHARS} characters (the largest limit
 * of any column) only the first {@value #MAX_FIELD_CHARS} + 1 are held, and its length counted
 * ({@link Record#lengths()}), so a 16 MiB field, quoted or not, closed or not, is never copied; a quoted
 * field not closed before the end of the text is a syntax error naming the line where its quote opened.
 * Messages quote values only through {@link Excerpt}.
 *
 * <p>Why not commons-csv: it recognises {@code #} only in the first column, reports a record's
 * character position before the comment and blank lines it skipped, and stops at the first
 * malformed quote. This reader keeps exact line numbers and reports every syntax error it can.
 */
final class DefinitionsCsv {

    /** More fields in one record are a syntax error (the files have at most 15 columns); fields held stay bounded. */
    static final int MAX_FIELDS = 64;
    /** The largest limit of any column (comment): a longer field is cut to one character more, and counted. */
    static final int MAX_FIELD_CHARS = 1024;

    /** What {@link #next()} gives: a record or a syntax error, in the order they appear in the text. */
    sealed interface Item permits Record, SyntaxError {
    }

    /**
     * One record: the physical line it starts on and its stripped, printable fields.
     *
     * @param lengths the length in characters of each field that was cut (held as its first
     *                {@value #MAX_FIELD_CHARS} + 1 characters), by position; empty when none was
     */
    record Record(long line, List<String> fields, Map<Integer, Integer> lengths) implements Item {
        Record {
            fields = List.copyOf(fields);
            lengths = Map.copyOf(lengths);
        }

        Record(long line, List<String> fields) {
            this(line, fields, Map.of());
        }

        /** The length in characters of the field at a position, as it was in the file (before any cut). */
        int length(int position) {
            Integer cut = lengths.get(position);
            String value = fields.get(position);
            return cut != null ? cut : value.codePointCount(0, value.length());
        }
    }

    /**
     * A syntax error at a physical line.
     *
     * @param message what is wrong, quoting nothing of the text
     * @param found   an excerpt of what was found ({@code  (found "...")}), or ""; shown only for a file known
     *                to be a definitions file
     */
    record SyntaxError(long line, String message, String found) implements Item {
        SyntaxError(long line, String message) {
            this(line, message, "");
        }

        /** The message with the excerpt. */
        String text() {
            return message + found;
        }
    }

    /** The records read, and the syntax errors (records with errors are left out). */
    record Result(List<Record> records, List<SyntaxError> errors) {
        Result {
            records = List.copyOf(records);
            errors = List.copyOf(errors);
        }
    }

    private final CharSequence text;
    private int pos;
    private long line = 1;
    private boolean ended;
    /** The length in characters of the field last read (quoted or not), before any cut. */
    private int fieldLength;

    /** A reader of the text: a {@link String}, or a file's bytes read in place ({@link AsciiText}). */
    DefinitionsCsv(CharSequence text) {
        this.text = text;
        this.pos = text.length() > 0 && text.charAt(0) == '\uFEFF' ? 1 : 0;
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

    /** A value as messages show it: {@link Excerpt#quoted(String)}. */
    static String quoted(String value) {
        return Excerpt.quoted(value);
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
        Map<Integer, Integer> lengths = new HashMap<>();
        long count = 0;
        while (true) {
            skipBlanks();
            String value;
            if (pos < text.length() && text.charAt(pos) == '"') {
                long quoteLine = line;
                value = readQuoted();
                if (value == null) {
                    ended = true; // an unclosed quote swallowed the rest of the file
                    return new SyntaxError(quoteLine, "quoted field not closed before the end of the file");
                }
                skipBlanks();
                if (pos < text.length() && text.charAt(pos) != ',' && !isLineBreak(text.charAt(pos))) {
                    int end = endOfLine(pos);
                    int last = end;
                    while (last > pos && Character.isWhitespace(text.charAt(last - 1))) {
                        last--;
                    }
                    SyntaxError error = new SyntaxError(line, "expecting a comma or the end of the line after a"
                            + " closing quote", " (found " + Excerpt.quoted(text, pos, last) + ")");
                    pos = end;
                    skipLineBreak();
                    return error;
                }
            } else {
                value = readUnquoted();
            }
            if (++count <= MAX_FIELDS) {
                if (fieldLength > MAX_FIELD_CHARS) {
                    lengths.put(fields.size(), fieldLength);
                }
                fields.add(Printable.of(value.strip()));
            }
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            skipLineBreak();
            if (count > MAX_FIELDS) {
                return new SyntaxError(recordLine, "expecting at most " + MAX_FIELDS + " fields (found " + count + ")");
            }
            return new Record(recordLine, fields, lengths);
        }
    }

    /** Reads an unquoted field up to the comma or line end; holds at most {@value #MAX_FIELD_CHARS} + 1 characters. */
    private String readUnquoted() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != ',' && !isLineBreak(text.charAt(pos))) {
            pos++;
        }
        int end = pos;
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        fieldLength = Character.codePointCount(text, start, end);
        return fieldLength > MAX_FIELD_CHARS
                ? text.subSequence(start, Character.offsetByCodePoints(text, start, MAX_FIELD_CHARS + 1)).toString()
                : text.subSequence(start, end).toString();
    }

    /**
     * Reads a quoted field from its opening quote; null when it is not closed. Line breaks become LF. Holds at most
     * {@value #MAX_FIELD_CHARS} + 1 characters of it, however long it is, and counts the rest.
     */
    private String readQuoted() {
        StringBuilder value = new StringBuilder();
        int length = 0;
        pos++; // opening quote
        while (pos < text.length()) {
            char c = text.charAt(pos);
            char add;
            if (c == '"') {
                if (pos + 1 < text.length() && text.charAt(pos + 1) == '"') {
                    add = '"';
                    pos += 2;
                } else {
                    pos++;
                    fieldLength = length;
                    return value.toString();
                }
            } else if (isLineBreak(c)) {
                add = '\n';
                skipLineBreak();
            } else {
                add = c;
                pos++;
            }
            if (!Character.isLowSurrogate(add)) {
                length++;
            }
            if (length <= MAX_FIELD_CHARS + 1) {
                value.append(add);
            }
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
