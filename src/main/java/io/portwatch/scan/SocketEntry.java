package io.portwatch.scan;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One socket as the OS reports it at one instant.
 *
 * <p>Addresses are normalised: an IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is stored as its
 * IPv4 form, so that rows written with either form match. An unconnected socket has the wildcard
 * remote address of its (normalised) family and remote port 0.
 *
 * @param protocol      tcp or udp
 * @param localAddress  local address (wildcard {@code 0.0.0.0} / {@code ::} when bound to all)
 * @param localPort     local port, 0–65535
 * @param remoteAddress remote address (wildcard when unconnected)
 * @param remotePort    remote port, 0 when unconnected
 * @param state         state, see {@link SocketState}
 * @param inode         the socket's inode (Linux) or another platform handle, 0 when unknown
 * @param uid           numeric owner uid as the socket table reports it, -1 when unknown
 * @param pid           owning process id, -1 when the owner cannot be seen
 * @param receiveQueue  as {@code ss} prints Recv-Q: for a TCP LISTEN socket the connections waiting in its accept
 *                      queue, else bytes received and not yet read; {@link #UNKNOWN_QUEUE} when unknown
 * @param sendQueue     as {@code ss} prints Send-Q: for a TCP LISTEN socket its backlog (the accept queue's limit),
 *                      else bytes sent and not yet acknowledged (TCP) or not yet sent (UDP); {@link #UNKNOWN_QUEUE}
 *                      when unknown
 * @param netns         the network namespace the socket lives in ({@link NetNamespace#OWN} unless the source
 *                      reads several)
 * @param quality       what the kernel measures of the TCP connection ({@code tcp_info}); null when unknown (every
 *                      source but netlink, and sockets that are not TCP)
 */
public record SocketEntry(
        Protocol protocol,
        InetAddress localAddress,
        int localPort,
        InetAddress remoteAddress,
        int remotePort,
        SocketState state,
        long inode,
        int uid,
        int pid,
        int receiveQueue,
        int sendQueue,
        NetNamespace netns,
        TcpQuality quality) {

    /** Pid of a socket whose owner cannot be seen. */
    public static final int UNKNOWN_PID = -1;

    /** A receive or send queue the platform does not tell. */
    public static final int UNKNOWN_QUEUE = -1;

    /** A socket whose connection quality is unknown. */
    public SocketEntry(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                       int remotePort, SocketState state, long inode, int uid, int pid, int receiveQueue,
                       int sendQueue, NetNamespace netns) {
        this(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, pid, receiveQueue,
                sendQueue, netns, null);
    }

    /** A socket of portwatch's own namespace whose queues are unknown. */
    public SocketEntry(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                       int remotePort, SocketState state, long inode, int uid, int pid) {
        this(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, pid, UNKNOWN_QUEUE,
                UNKNOWN_QUEUE, NetNamespace.OWN);
    }

    /** A socket of portwatch's own namespace. */
    public SocketEntry(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                       int remotePort, SocketState state, long inode, int uid, int pid, int receiveQueue,
                       int sendQueue) {
        this(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, pid, receiveQueue,
                sendQueue, NetNamespace.OWN);
    }

    /** A socket whose queues are unknown. */
    public SocketEntry(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                       int remotePort, SocketState state, long inode, int uid, int pid, NetNamespace netns) {
        this(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, pid, UNKNOWN_QUEUE,
                UNKNOWN_QUEUE, netns);
    }

    public SocketEntry {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(netns, "netns");
        if (localAddress instanceof java.net.Inet4Address && remoteAddress.isAnyLocalAddress()) {
            remoteAddress = Addresses.anyIPv4(); // an IPv4-mapped socket of a tcp6/udp6 table, unconnected
        }
        if (localPort < 0 || localPort > 65535 || remotePort < 0 || remotePort > 65535) {
            throw new IllegalArgumentException("port out of range: " + localPort + "/" + remotePort);
        }
        if (receiveQueue < UNKNOWN_QUEUE || sendQueue < UNKNOWN_QUEUE) {
            throw new IllegalArgumentException("queue out of range: " + receiveQueue + "/" + sendQueue);
        }
    }

    /**
     * True for a TCP listener whose accept queue is full as the kernel judges it: more connections waiting
     * than its backlog ({@code sk_ack_backlog > sk_max_ack_backlog}); false when either is unknown.
     */
    public boolean acceptQueueFull() {
        return protocol == Protocol.TCP && state == SocketState.LISTEN && receiveQueue != UNKNOWN_QUEUE
                && sendQueue != UNKNOWN_QUEUE && receiveQueue > sendQueue;
    }

    /** The same socket with other queues. */
    public SocketEntry withQueues(int newReceiveQueue, int newSendQueue) {
        return new SocketEntry(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, pid,
                newReceiveQueue, newSendQueue, netns, quality);
    }

    /** The same socket with what the kernel measures of it (null: unknown). */
    public SocketEntry withQuality(TcpQuality newQuality) {
        return new SocketEntry(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, pid,
                receiveQueue, sendQueue, netns, newQuality);
    }

    /** The connection quality, empty when unknown. */
    public java.util.Optional<TcpQuality> tcpQuality() {
        return java.util.Optional.ofNullable(quality);
    }

    /** True when the owner of this socket is known. */
    public boolean hasOwner() {
        return pid != UNKNOWN_PID;
    }

    /** The same socket with another owner pid. */
    public SocketEntry withPid(int newPid) {
        return new SocketEntry(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, newPid,
                receiveQueue, sendQueue, netns, quality);
    }

    /** {@code tcp 127.0.0.1:8080 -> 127.0.0.1:51234 ESTABLISHED pid 42}, for messages and logs. */
    @Override
    public String toString() {
        return protocol.label() + " " + Addresses.format(localAddress, localPort) + " -> "
                + Addresses.format(remoteAddress, remotePort) + " " + state + " pid " + pid;
    }
}
