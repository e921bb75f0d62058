package io.portwatch.prometheus;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * One rendered exposition: immutable bytes, shared by every scrape that serves them (no copy per request: each
 * answer writes a read-only view of them with {@link io.portwatch.http.Answers}, without holding a thread).
 */
final class ExpositionBody {

    /** The size of each write of {@link #writeTo}, and the first array of a stream without an expected size. */
    static final int SLICE = 1 << 16;

    private final byte[] bytes;
    private final int length;

    /** The first {@code length} bytes of {@code bytes}, which nobody writes any more. */
    private ExpositionBody(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** Number of bytes. */
    long length() {
        return length;
    }

    /** A read-only view of the bytes, for one answer: the bytes themselves are never copied per request. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes, 0, length).slice().asReadOnlyBuffer();
    }

    /** Writes every byte to {@code out}, one slice per write. */
    void writeTo(OutputStream out) throws IOException {
        for (int at = 0; at < length; at += SLICE) {
            out.write(bytes, at, Math.min(SLICE, length - at));
        }
    }

    /** A copy of the bytes, for tests. */
    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** These bytes gzip-compressed (no larger than the budget, as they were within it). */
    ExpositionBody gzip() {
        Budgeted out = new Budgeted(Long.MAX_VALUE);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, SLICE)) {
            writeTo(gzip);
        } catch (IOException e) {
            throw new IllegalStateException("gzip into memory failed", e);
        }
        return out.body();
    }

    /** Thrown by {@link Budgeted} at the first byte past its budget. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long budget) {
            super("more than " + budget + " bytes");
        }
    }

    /**
     * Collects written bytes up to {@code budget} bytes in one array, allocated at the expected size and grown only
     * when that was too small (so a rendering whose size was foreseen is never copied, and never held twice); the write
     * that would pass the budget throws {@link TooLarge}, so an exposition over budget is never built past it.
     */
    static final class Budgeted extends OutputStream {
        private final long budget;
        private byte[] bytes;
        private int length;

        Budgeted(long budget) {
            this(budget, SLICE);
        }

        /** {@code expected}: the size foreseen, at most the budget (more is allocated only as it is written). */
        Budgeted(long budget, long expected) {
            this.budget = budget;
            this.bytes = new byte[(int) Math.max(1, Math.min(Math.min(expected, budget), Integer.MAX_VALUE - 8))];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > budget - length || len > Integer.MAX_VALUE - 8 - length) {
                throw new TooLarge(budget);
            }
            if (len > bytes.length - length) {
                long grown = Math.max((long) length + len, 2L * bytes.length);
                bytes = Arrays.copyOf(bytes, (int) Math.min(grown, Math.min(budget, Integer.MAX_VALUE - 8)));
            }
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        /** What was written, as an immutable body (not copied: nothing writes here after this). */
        ExpositionBody body() {
            return new ExpositionBody(bytes, length);
        }
    }
}
