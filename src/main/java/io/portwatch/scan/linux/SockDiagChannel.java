package io.portwatch.scan.linux;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A {@code NETLINK_SOCK_DIAG} socket as {@link NetlinkTables} uses it: send a request, receive the answer one
 * datagram at a time into one reused buffer, close. The JNA implementation is {@link JnaSockDiagChannel}; tests
 * put in one that fails or answers with given bytes.
 */
interface SockDiagChannel extends AutoCloseable {

    /** Opens a channel. */
    @FunctionalInterface
    interface Opener {
        /**
         * @throws NetlinkTables.UnavailableException when netlink cannot be used here (JNA does not load, the socket
         *                                            is refused), with the reason in one line
         */
        SockDiagChannel open() throws NetlinkTables.UnavailableException;
    }

    /** Sends the request in {@code [position, limit)} of {@code request} to the kernel. */
    void send(ByteBuffer request) throws IOException;

    /**
     * Receives the next datagram into {@link #buffer()}, waiting no later than {@code deadlineNanos}
     * ({@code System.nanoTime()} scale).
     *
     * @return the datagram's whole length, which is more than the buffer's capacity when it did not fit (its
     *         bytes are then lost: grow the buffer and ask again); -1 when the deadline passed first
     */
    int receive(long deadlineNanos) throws IOException;

    /** The buffer datagrams are received into, the same one until {@link #grow} replaces it. */
    ByteBuffer buffer();

    /** Replaces the buffer by one of at least {@code capacity} bytes. */
    void grow(int capacity);

    /** Closes the socket; never throws. */
    @Override
    void close();
}
