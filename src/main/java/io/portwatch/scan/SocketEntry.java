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
 * @param netns         the network namespace the socket lives in ({@link NetNamespace#OWN} unless the source
 *                      reads several)
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
        NetNamespace netns) {

    /** Pid of a socket whose owner cannot be seen. */
    public static final int UNKNOWN_PID = -1;

    /** A socket of portwatch's own namespace. */
    public SocketEntry(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress,
                       int remotePort, SocketState state, long inode, int uid, int pid) {
        this(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, pid, NetNamespace.OWN);
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
    }

    /** True when the owner of this socket is known. */
    public boolean hasOwner() {
        return pid != UNKNOWN_PID;
    }

    /** The same socket with another owner pid. */
    public SocketEntry withPid(int newPid) {
        return new SocketEntry(protocol, localAddress, localPort, remoteAddress, remotePort, state, inode, uid, newPid, netns);
    }

    /** {@code tcp 127.0.0.1:8080 -> 127.0.0.1:51234 ESTABLISHED pid 42}, for messages and logs. */
    @Override
    public String toString() {
        return protocol.label() + " " + Addresses.format(localAddress, localPort) + " -> "
                + Addresses.format(remoteAddress, remotePort) + " " + state + " pid " + pid;
    }
}
