package io.portwatch.prometheus;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * One rendered exposition: immutable bytes kept in slices of {@value #SLICE} bytes, shared by every scrape that
 * serves them (no copy per request) and written one slice at a time.
 */
final class ExpositionBody {

    /**
     * The slice size. The JDK server copies each write into a buffer that its connection keeps, grown to twice the
     * largest write: slices bound that to twice this much per connection, whatever the exposition's size.
     */
    static final int SLICE = 1 << 16;

    private final List<byte[]> slices;
    private final long length;

    private ExpositionBody(List<byte[]> slices, long length) {
        this.slices = List.copyOf(slices);
        this.length = length;
    }

    /** Number of bytes. */
    long length() {
        return length;
    }

    /** Writes every byte to {@code out}, one slice per write. The one place a cached exposition is written. */
    void writeTo(OutputStream out) throws IOException {
        for (byte[] slice : slices) {
            out.write(slice);
        }
    }

    /** A copy of the bytes, for tests. */
    byte[] toByteArray() {
        byte[] all = new byte[Math.toIntExact(length)];
        int at = 0;
        for (byte[] slice : slices) {
            System.arraycopy(slice, 0, all, at, slice.length);
            at += slice.length;
        }
        return all;
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

        /** What was written, as an immutable body. */
        ExpositionBody body() {
            List<byte[]> all = new ArrayList<>(slices);
            if (used > 0) {
                all.add(used == current.length ? current : java.util.Arrays.copyOf(current, used));
            }
            return new ExpositionBody(all, length);
        }
    }
}
