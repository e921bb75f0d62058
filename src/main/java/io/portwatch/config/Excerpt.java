package io.portwatch.config;

import io.portwatch.text.Printable;

import java.util.regex.Pattern;

/**
 * The one place a problem or a log line quotes the content of a definitions file (docs/design.md §5, rule 3):
 * at most {@value #MAX} characters, made printable ({@link Printable}: control characters as {@code \xHH}), so
 * that no message grows with the input and none can carry a secret's worth of a file or forge a line. Content of
 * a file that is not a definitions file (its first line is no definitions header) is never quoted at all: the
 * loader says so without calling this.
 */
final class Excerpt {

    /** The most characters of a value a message shows, escapes included. */
    static final int MAX = 40;

    private static final String FOUND = "(found \"";
    /** The start of a {@link Printable} escape at the end of a cut text. */
    private static final Pattern PARTIAL_ESCAPE = Pattern.compile("\\\\(x[0-9a-f]?|u[0-9a-f]{0,3})?$");

    private Excerpt() {
    }

    /**
     * {@code "value"} when the value, made printable, has at most {@value #MAX} characters; else its first
     * characters and its length, {@code "abc..." (300 characters)}. An escape is never cut in two. Lengths are
     * counted as the value is held: a field was made printable where it was read, so an ESC counts 4.
     */
    static String quoted(String value) {
        return quoted(value, value.codePointCount(0, value.length()));
    }

    /** {@link #quoted(String)} of a value held cut, whose whole length was {@code length} characters. */
    static String quoted(String value, long length) {
        String printable = Printable.of(value);
        if (printable.length() <= MAX && length == value.codePointCount(0, value.length())) {
            return "\"" + printable + "\"";
        }
        return cut(value, length);
    }

    /** A short value as it is (an id in {@code duplicate id web}), a longer one as {@link #quoted(String)} cuts it. */
    static String plain(String value) {
        String printable = Printable.of(value);
        return printable.length() <= MAX ? printable : quoted(value);
    }

    /**
     * {@link #quoted(String)} of {@code text[from, to)}, copying only its first few characters: the length shown
     * is counted in place.
     */
    static String quoted(CharSequence text, int from, int to) {
        int head = Math.min(to, from + 4 * MAX);
        if (head == to) {
            return quoted(text.subSequence(from, to).toString());
        }
        return cut(text.subSequence(from, head).toString(), Character.codePointCount(text, from, to));
    }

    private static String cut(String value, long length) {
        StringBuilder shown = new StringBuilder(MAX);
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String one = Printable.of(new String(Character.toChars(cp)));
            if (shown.length() + one.length() > MAX) {
                break;
            }
            shown.append(one);
            i += Character.charCount(cp);
        }
        // a value made printable where it was read holds its escapes as text: never show one cut in two
        String text = PARTIAL_ESCAPE.matcher(shown).replaceFirst("");
        return "\"" + text + "...\" (" + length + " characters)";
    }

    /**
     * A message of a parser shared with other callers ({@code expecting 1-65535 (found "80a")}) with its quoted
     * value bounded as {@link #quoted} bounds it: the text from the first {@code (found "} to the last {@code ")}.
     */
    static String bounded(String message) {
        int start = message.indexOf(FOUND);
        int end = message.lastIndexOf("\")");
        if (start < 0 || end < start + FOUND.length()) {
            return Printable.of(message);
        }
        String value = message.substring(start + FOUND.length(), end);
        return Printable.of(message.substring(0, start)) + "(found " + quoted(value) + ")"
                + Printable.of(message.substring(end + 2));
    }
}
