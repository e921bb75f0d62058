package io.portwatch.scan;

/**
 * What the kernel measures of one ESTABLISHED TCP socket ({@code struct tcp_info} over netlink,
 * {@code INET_DIAG_INFO}); only the netlink reader knows it, every other source leaves it unknown.
 *
 * @param cookie                the socket's cookie ({@code idiag_cookie}): its identity across scans
 * @param rttMicros             smoothed round-trip time ({@code tcpi_rtt}), microseconds
 * @param segmentsSent          segments sent ({@code tcpi_segs_out})
 * @param retransmittedSegments segments retransmitted ({@code tcpi_total_retrans})
 * @param unacked               segments sent and not yet acknowledged ({@code tcpi_unacked})
 * @param lastAckReceivedMillis milliseconds since the last acknowledgement received ({@code tcpi_last_ack_recv})
 * @param bytesAcked            bytes acknowledged by the peer ({@code tcpi_bytes_acked})
 * @param bytesReceived         bytes received ({@code tcpi_bytes_received})
 */
public record TcpQuality(long cookie, long rttMicros, long segmentsSent, long retransmittedSegments, int unacked,
                         long lastAckReceivedMillis, long bytesAcked, long bytesReceived) {
}
