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
 *
 * <p>Why not commons-csv: it recognises {@code #} only in the first column, reports a record's
 * character position before the comment and blank lines it skipped, and stops at the first
 * malformed quote. This reader keeps exact line numbers and reports every syntax error it can.
 */
final class DefinitionsCsv {

    /** One record: the physical line it starts on and its stripped fields. */
    record Record(long line, List<String> fields) {
        Record {
            fields = List.copyOf(fields);
        }
    }

    /** A syntax error at a physical line. */
    record SyntaxError(long line, String message) {
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
    private final List<Record> records = new ArrayList<>();
    private final List<SyntaxError> errors = new ArrayList<>();

    private DefinitionsCsv(String text) {
        this.text = text;
        this.pos = text.startsWith("\uFEFF") ? 1 : 0;
    }

    /** Reads all records of the text. */
    static Result read(String text) {
        DefinitionsCsv csv = new DefinitionsCsv(text);
        csv.readAll();
        return new Result(csv.records, csv.errors);
    }

    private void readAll() {
        while (pos < text.length()) {
            int end = endOfLine(pos);
            String physical = text.substring(pos, end).strip();
            if (physical.isEmpty() || physical.startsWith("#")) {
                pos = end;
                skipLineBreak();
                continue;
            }
            if (!readRecord()) {
                return; // an unclosed quote swallowed the rest of the file
            }
        }
    }

    /** Reads one record starting at {@link #pos}; false when the end of the text was reached inside quotes. */
    private boolean readRecord() {
        long recordLine = line;
        List<String> fields = new ArrayList<>();
        while (true) {
            skipBlanks();
            if (pos < text.length() && text.charAt(pos) == '"') {
                long quoteLine = line;
                String value = readQuoted();
                if (value == null) {
                    errors.add(new SyntaxError(quoteLine, "quoted field not closed before the end of the file"));
                    return false;
                }
                skipBlanks();
                if (pos < text.length() && text.charAt(pos) != ',' && !isLineBreak(text.charAt(pos))) {
                    int end = endOfLine(pos);
                    errors.add(new SyntaxError(line, "expecting a comma or the end of the line after a closing quote"
                            + " (found \"" + text.substring(pos, end).strip() + "\")"));
                    pos = end;
                    skipLineBreak();
                    return true;
                }
                fields.add(value.strip());
            } else {
                int start = pos;
                while (pos < text.length() && text.charAt(pos) != ',' && !isLineBreak(text.charAt(pos))) {
                    pos++;
                }
                fields.add(text.substring(start, pos).strip());
            }
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            skipLineBreak();
            records.add(new Record(recordLine, fields));
            return true;
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
