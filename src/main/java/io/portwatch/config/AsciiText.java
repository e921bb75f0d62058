package io.portwatch.config;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The text of a file of ASCII bytes, read in place: a definitions file is held once while it is parsed (its bytes),
 * not twice (its bytes and a {@link String} decoded from them). Only the fields taken out are copied
 * ({@link #subSequence}). The bytes are not copied: the caller gives them up.
 */
final class AsciiText implements CharSequence {

    private final byte[] bytes;
    private final int from;
    private final int to;

    private AsciiText(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.from = from;
        this.to = to;
    }

    /** The text of the bytes when every one is ASCII (below 0x80); null otherwise. */
    static AsciiText of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        for (byte b : bytes) {
            if (b < 0) {
                return null;
            }
        }
        return new AsciiText(bytes, 0, bytes.length);
    }

    @Override
    public int length() {
        return to - from;
    }

    @Override
    public char charAt(int index) {
        Objects.checkIndex(index, length());
        return (char) bytes[from + index];
    }

    /** A {@link String} of the characters from {@code start} to {@code end}: a field taken out is a copy. */
    @Override
    public String subSequence(int start, int end) {
        Objects.checkFromToIndex(start, end, length());
        return new String(bytes, from + start, end - start, StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return subSequence(0, length());
    }
}
