package io.portwatch.prometheus;

import io.portwatch.text.Printable;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Every label value portwatch puts in {@code /metrics} goes through {@link #of}: a value from definitions (id,
 * comment, procName, netns column, remote name), a process or namespace name or the host name is at most
 * {@value #MAX_LENGTH} characters, so what rows put into the exposition is bounded as a whole (docs/design.md §5).
 *
 * <p>A value that is cut, or that had to be made printable (a control character, a lone surrogate: the exposition
 * would be invalid UTF-8 or the writer would replace it), or that holds the marker {@value #MARKER} itself, ends with
 * the marker and {@value #HASH_LENGTH} hex digits of the SHA-256 of the whole original value. Two different values
 * therefore never become one label value (a duplicate series would make the exposition invalid): unchanged values
 * never hold the marker, changed ones end with a hash of what they were.
 */
final class LabelValue {

    /** The longest label value served, in UTF-16 characters (the marker and hash included). */
    static final int MAX_LENGTH = 120;

    /** Ends a value that was cut or changed, before its hash. */
    static final char MARKER = '\u2026';

    /** Hex digits of the hash after the marker. */
    static final int HASH_LENGTH = 12;

    /** One digest per rendering thread (a digest is not thread-safe; getting one costs as much as a hash). */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(LabelValue::sha256);

    private LabelValue() {
    }

    /** {@code value} as served: unchanged when short, printable and without the marker; else marked and hashed. */
    static String of(String value) {
        if (value.length() <= MAX_LENGTH && value.indexOf(MARKER) < 0 && Printable.isPrintable(value)) {
            return value;
        }
        String printable = Printable.of(value);
        int keep = Math.min(printable.length(), MAX_LENGTH - 1 - HASH_LENGTH);
        if (keep > 0 && keep < printable.length() && Character.isHighSurrogate(printable.charAt(keep - 1))) {
            keep--; // never half of a pair
        }
        return printable.substring(0, keep) + MARKER + hash(value);
    }

    private static String hash(String value) {
        MessageDigest sha = SHA_256.get();
        // the UTF-16 units, not an encoding: a lone surrogate hashes differently from U+FFFD
        byte[] units = new byte[value.length() * 2];
        for (int i = 0; i < value.length(); i++) {
            units[2 * i] = (byte) (value.charAt(i) >> 8);
            units[2 * i + 1] = (byte) value.charAt(i);
        }
        byte[] digest = sha.digest(units);
        char[] hex = new char[HASH_LENGTH];
        for (int i = 0; i < HASH_LENGTH; i++) {
            hex[i] = Character.forDigit((digest[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xf, 16);
        }
        return new String(hex);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
