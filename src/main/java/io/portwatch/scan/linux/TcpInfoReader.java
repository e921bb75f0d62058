package io.portwatch.scan.linux;

import io.portwatch.scan.TcpQuality;

import java.nio.ByteBuffer;

/**
 * The figures portwatch takes from a {@code struct tcp_info} ({@code INET_DIAG_INFO} attribute of a sock_diag
 * message, in the host order of the kernel that sent it: the buffer's order, which the parser sets). The kernel sends as much of the struct as it knows; a field beyond the bytes sent (an old
 * kernel: {@code tcpi_bytes_acked} came in 4.1, {@code tcpi_segs_out} in 4.2) is -1, unknown.
 */
final class TcpInfoReader {

    private static final int UNACKED = 24;
    private static final int LAST_ACK_RECV = 56;
    private static final int RTT = 68;
    private static final int TOTAL_RETRANS = 100;
    private static final int BYTES_ACKED = 120;
    private static final int BYTES_RECEIVED = 128;
    private static final int SEGS_OUT = 136;
    /** The fewest bytes worth reading: up to {@code tcpi_rtt}. */
    static final int MIN_LENGTH = RTT + 4;

    private TcpInfoReader() {
    }

    /**
     * The figures of the {@code tcp_info} of {@code length} bytes at {@code offset} of {@code message}; null when
     * fewer than {@link #MIN_LENGTH} bytes were sent. Reads in {@code message}'s byte order.
     */
    static TcpQuality read(ByteBuffer message, int offset, int length, long cookie) {
        if (length < MIN_LENGTH || offset < 0 || offset + length > message.limit()) {
            return null;
        }
        ByteBuffer b = message; // absolute reads only: position and limit stay as the parser left them
        return new TcpQuality(cookie,
                u32(b, offset, length, RTT),
                u32(b, offset, length, SEGS_OUT),
                u32(b, offset, length, TOTAL_RETRANS),
                (int) Math.min(Integer.MAX_VALUE, u32(b, offset, length, UNACKED)),
                u32(b, offset, length, LAST_ACK_RECV),
                u64(b, offset, length, BYTES_ACKED),
                u64(b, offset, length, BYTES_RECEIVED));
    }

    private static long u32(ByteBuffer b, int offset, int length, int field) {
        return field + 4 <= length ? Integer.toUnsignedLong(b.getInt(offset + field)) : -1;
    }

    private static long u64(ByteBuffer b, int offset, int length, int field) {
        return field + 8 <= length ? Math.max(-1, b.getLong(offset + field)) : -1;
    }
}
