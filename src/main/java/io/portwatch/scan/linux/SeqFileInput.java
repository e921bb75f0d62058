package io.portwatch.scan.linux;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@code /proc/net} socket table read to its end without the last, empty {@code read(2)}.
 *
 * <p>The kernel writes these tables through {@code seq_file}: each {@code read(2)} fills a buffer of one page
 * (at least 4096 bytes) with whole lines and stops early only at the table's end. The call that finally returns
 * 0 is not free: for {@code tcp}/{@code tcp6} the kernel cannot resume where it stopped and walks the TCP hash
 * table again from its first bucket (for {@code udp} it always does), and that table is the host's, shared by
 * every network namespace, with hundreds of thousands of buckets on a large machine. So a read that asked for
 * a page or more and got less than a page minus the longest line ({@value #SHORT_READ} bytes) has seen the
 * end, and the next read answers -1 without asking the kernel. A read of a page or more (or where the page is
 * larger than 4096 bytes) proves nothing and is followed by a real one: never a line lost, at worst the walk
 * paid as before. Only for files the kernel writes through {@code seq_file}; a pipe or a test's stream may
 * return short reads anywhere.
 */
final class SeqFileInput extends FilterInputStream {

    /** The smallest buffer {@code seq_file} fills per read: one page. */
    static final int PAGE = 4096;
    /** A read shorter than this left room for another line (a socket line is under 256 bytes). */
    static final int SHORT_READ = PAGE - 512;

    private boolean ended;

    SeqFileInput(InputStream in) {
        super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        int n = in.read(b, off, len);
        if (n > 0 && len >= PAGE && n < SHORT_READ) {
            ended = true;
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        throw new UnsupportedOperationException("a socket table is read in blocks");
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("a socket table is read whole");
    }
}
