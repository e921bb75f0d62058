package io.portwatch.prometheus;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * One rendered exposition: immutable bytes, shared by every scrape that serves them (no copy per request: each
 * answer writes a read-only view of them with {@link io.portwatch.http.Answers}, without holding a thread).
 */
final class ExpositionBody {

    /** The size of the slices the budgeted stream collects in while rendering. */
    static final int SLICE = 1 << 16;

    private final byte[] bytes;

    private ExpositionBody(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Number of bytes. */
    long length() {
        return bytes.length;
    }

    /** A read-only view of the bytes, for one answer: the bytes themselves are never copied per request. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** Writes every byte to {@code out}, one slice per write. */
    void writeTo(OutputStream out) throws IOException {
        for (int at = 0; at < bytes.length; at += SLICE) {
            out.write(bytes, at, Math.min(SLICE, bytes.length - at));
        }
    }

    /** A copy of the bytes, for tests. */
    byte[] toByteArray() {
        return bytes.clone();
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
     * Collects written bytes in slices up to {@code budget} bytes; the write that would pass it throws
     * {@link TooLarge}, so an exposition over budget is never built past it.
     */
    static final class Budgeted extends OutputStream {
        private final long budget;
        private final List<byte[]> slices = new ArrayList<>();
        private byte[] current = new byte[SLICE];
        private int used;
        private long length;

        Budgeted(long budget) {
            this.budget = budget;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > budget - length) {
                throw new TooLarge(budget);
            }
            length += len;
            while (len > 0) {
                if (used == current.length) {
                    slices.add(current);
                    current = new byte[SLICE];
                    used = 0;
                }
                int n = Math.min(len, current.length - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        /** What was written, as an immutable body (joined once, on the render thread). */
        ExpositionBody body() {
            byte[] all = new byte[Math.toIntExact(length)];
            int at = 0;
            for (byte[] slice : slices) {
                System.arraycopy(slice, 0, all, at, slice.length);
                at += slice.length;
            }
            System.arraycopy(current, 0, all, at, used);
            return new ExpositionBody(all);
        }
    }
}
