package io.portwatch.scan;

import java.io.IOException;

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
     * True when the sockets this source reads carry what the kernel measures of each TCP connection
     * ({@link SocketEntry#quality()}: RTT, retransmissions, unacknowledged data). Only the netlink reader does;
     * without it a connection row's {@code maxRttMs}, {@code maxRetransPercent} and {@code stalled} give no verdict.
     */
    default boolean measuresTcpQuality() {
        return false;
    }
}
