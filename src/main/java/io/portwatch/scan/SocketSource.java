package io.portwatch.scan;

import java.io.IOException;
import java.util.List;

/**
 * Reads every TCP and UDP socket of the host with its owning process. One implementation per
 * platform. Implementations are called from one thread at a time and may keep caches between calls.
 */
public interface SocketSource {

    /**
     * Takes one snapshot. Processes that exit during the scan are skipped; owners that cannot be
     * seen are reported with pid {@link SocketEntry#UNKNOWN_PID}, never as an error.
     *
     * @throws IOException when the socket tables themselves cannot be read
     */
    Snapshot scan() throws IOException;

    /** Short name of the platform source, for logs and the agent MBean ({@code linux}, {@code windows}). */
    String name();

    /**
     * How this source reads the sockets where it has a choice ({@code netlink} or {@code proc} on Linux, after any
     * fallback), for the start line and the agent MBean; "" where it has none.
     */
    default String reader() {
        return "";
    }

    /** Releases what the source holds open (a netlink socket); it is not scanned again. Never throws. */
    default void close() {
    }

    /**
     * True when the sockets this source reads carry what the kernel measures of each TCP connection
     * ({@link SocketEntry#quality()}: RTT, retransmissions, unacknowledged data). Only the netlink reader does;
     * without it a connection row's {@code maxRttMs}, {@code maxRetransPercent} and {@code stalled} give no verdict.
     */
    default boolean measuresTcpQuality() {
        return false;
    }

    /**
     * The remote port ranges ({@code {low, high}}, 1–65535) of the connections whose quality the rows judge: a source
     * that {@linkplain #measuresTcpQuality measures} asks the kernel only for those. Empty: none. Called on the scan
     * thread, before a scan.
     */
    default void measureQualityFor(List<int[]> remotePortRanges) {
    }
}
