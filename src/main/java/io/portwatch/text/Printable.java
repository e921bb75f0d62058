package io.portwatch.text;

import java.nio.charset.StandardCharsets;

/**
 * Untrusted text made printable once, where it enters portwatch (docs/design.md §5, rule 4): process names,
 * command lines, user names, paths, namespace and container names, definitions fields. Bytes are decoded
 * leniently (invalid UTF-8 becomes U+FFFD, never an exception); every character that could break or forge an
 * output line is written visibly instead: C0 controls, DEL and C1 controls as {@code \xHH} (as systemd and
 * {@code ss} write them), the Unicode line and paragraph separators and the bidirectional overrides and
 * isolates as {@code \\uHHHH}, a lone surrogate as U+FFFD. Everything else, backslash included, is kept as it
 * is, so a Windows path reads as written. The result is safe in JSON, a Nagios line, a table, CSV, HTML, a log
 * line and JMX once each output applies its own quoting.
 */
public final class Printable {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Printable() {
    }

    /** The bytes decoded as UTF-8, invalid sequences as U+FFFD, then made printable. */
    public static String decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** {@code length} bytes from {@code offset} decoded as UTF-8, invalid sequences as U+FFFD, then made printable. */
    public static String decode(byte[] bytes, int offset, int length) {
        return of(new String(bytes, offset, length, StandardCharsets.UTF_8));
    }

    /** The text with every unsafe character written visibly; the same instance when there is none. */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        out.append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else if (isControl(c)) {
                out.append("\\x").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else if (isFormatting(c)) {
                out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf])
                        .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Whether {@link #of} would return the text unchanged. */
    public static boolean isPrintable(String text) {
        return text == null || firstUnsafe(text) < 0;
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c) || isControl(c) || isFormatting(c)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** Line and paragraph separators (they end a line in JavaScript and some terminals), bidi overrides and isolates. */
    private static boolean isFormatting(char c) {
        return c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }
}
