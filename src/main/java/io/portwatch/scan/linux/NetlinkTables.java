package io.portwatch.scan.linux;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The socket tables of portwatch's own network namespace over {@code NETLINK_SOCK_DIAG}: one
 * {@code SOCK_DIAG_BY_FAMILY} dump each of TCP and UDP over IPv4 and IPv6, every state, into {@link SocketRows}.
 * Fills the same columns as the {@code /proc/net} tables and, for a TCP listener, its accept queue
 * ({@code idiag_rqueue}) as receive queue and its backlog ({@code idiag_wqueue}) as send queue.
 *
 * <p>Skeleton of the API the reader choice wires in; the netlink work fills it in.
 */
final class NetlinkTables implements AutoCloseable {

    /** Netlink cannot be used here: JNA does not load, or the kernel or a seccomp filter refuses the socket. */
    static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Opens a sock_diag socket (JNA is loaded here, not before).
     *
     * @param procNet the {@code /proc/net} directory UDP is read from when the kernel has no {@code udp_diag}
     * @throws UnavailableException with the reason in one line ("JNA cannot load: …", "socket(AF_NETLINK): EPERM")
     */
    static NetlinkTables open(Path procNet) throws UnavailableException {
        throw new UnavailableException("netlink reader not built yet", null);
    }

    /**
     * Appends every socket of the own namespace to {@code rows}; a dump not done by {@code deadlineNanos}
     * ({@code System.nanoTime()} scale) is abandoned with an {@link IOException}, as is an error of the kernel.
     */
    void read(SocketRows rows, long deadlineNanos) throws IOException {
        throw new IOException("netlink reader not built yet");
    }

    @Override
    public void close() {
    }
}
