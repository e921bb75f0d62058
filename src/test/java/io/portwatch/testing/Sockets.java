package io.portwatch.testing;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;

/** Sockets and processes for tests, from address literals; uid 0 throughout. */
public final class Sockets {

    private Sockets() {
    }

    /** {@code s} as a socket of namespace {@code ns} (the platform's queues left unknown). */
    public static SocketEntry in(NetNamespace ns, SocketEntry s) {
        return new SocketEntry(s.protocol(), s.localAddress(), s.localPort(), s.remoteAddress(), s.remotePort(),
                s.state(), s.inode(), s.uid(), s.pid(), ns);
    }

    /** A TCP socket. */
    public static SocketEntry tcp(String local, int localPort, String remote, int remotePort, SocketState state, long inode,
                                  int pid) {
        return new SocketEntry(Protocol.TCP, Addresses.parseLiteral(local), localPort, Addresses.parseLiteral(remote),
                remotePort, state, inode, 0, pid);
    }

    /** A TCP listener on {@code port} of every IPv4 address (inode 1). */
    public static SocketEntry listen(int port, int pid) {
        return listen("0.0.0.0", port, 1, pid);
    }

    /** An outgoing TCP connection from 10.0.0.1, local port 40000 + pid, to {@code remote:port} (inode 2). */
    public static SocketEntry outgoing(String remote, int port, SocketState state, int pid) {
        return tcp("10.0.0.1", 40000 + pid, remote, port, state, 2, pid);
    }

    /** A TCP listener (LISTEN, or a bound unconnected UDP socket for {@code udp}); the remote side is the wildcard. */
    public static SocketEntry listen(String protocol, String local, int port, long inode, int pid) {
        Protocol p = Protocol.parse(protocol);
        InetAddress address = Addresses.parseLiteral(local);
        InetAddress any = address instanceof Inet4Address ? Addresses.anyIPv4() : Addresses.anyIPv6();
        return new SocketEntry(p, address, port, any, 0, p == Protocol.TCP ? SocketState.LISTEN : SocketState.UNCONN, inode,
                0, pid);
    }

    public static SocketEntry listen(String local, int port, long inode, int pid) {
        return listen("tcp", local, port, inode, pid);
    }

    public static SocketEntry udp(String local, int port, long inode, int pid) {
        return listen("udp", local, port, inode, pid);
    }

    /** A process whose short name is the base name of {@code exePath}, started at a fixed time plus its pid. */
    public static ProcessInfo process(int pid, String name, String user, String exePath) {
        return new ProcessInfo(pid, name, exePath.substring(exePath.lastIndexOf('/') + 1), user, exePath,
                exePath + " --serve", Instant.parse("2026-11-20T06:00:00Z").plusSeconds(pid));
    }

    /** A process run by root from {@code /usr/bin/NAME}, start time unknown. */
    public static ProcessInfo process(int pid, String name) {
        return new ProcessInfo(pid, name, name, "root", "/usr/bin/" + name, name, null);
    }
}
