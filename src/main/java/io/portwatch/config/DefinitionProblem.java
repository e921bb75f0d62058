package io.portwatch.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One problem found in a definitions file, printed as
 * {@code monitoredListeningPorts.csv:7: localPort: expecting 1-65535 (found "80a")}.
 *
 * <p>A problem is always one line: control characters and line separators in the column or the
 * message (a quoted value may hold a line break) are shown escaped, as {@code \n}, {@code \r},
 * {@code \t} or {@code \}{@code u0085}, so that no file can split or forge a log line.
 *
 * @param source  file and line (line 0 for the file as a whole)
 * @param column  the column concerned, "" when none
 * @param message what is wrong, naming the value
 */
public record DefinitionProblem(Source source, String column, String message) {

    public DefinitionProblem {
        Objects.requireNonNull(source, "source");
        column = oneLine(column);
        message = oneLine(message);
    }

    @Override
    public String toString() {
        return source + ": " + (column.isEmpty() ? "" : column + ": ") + message;
    }

    /** The text with every control character and line separator escaped. */
    static String oneLine(String text) {
        if (text.chars().noneMatch(DefinitionProblem::needsEscape)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!needsEscape(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(int c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
