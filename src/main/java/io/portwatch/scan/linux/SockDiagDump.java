package io.portwatch.scan.linux;

import io.portwatch.scan.Protocol;

/**
 * The four {@code SOCK_DIAG_BY_FAMILY} dumps that make up the socket tables of one namespace, in the order they
 * are read, each with the {@code /proc/net} table that holds the same sockets.
 */
enum SockDiagDump {
    TCP_IPV4(Protocol.TCP, SockDiagDump.AF_INET, "tcp"),
    TCP_IPV6(Protocol.TCP, SockDiagDump.AF_INET6, "tcp6"),
    UDP_IPV4(Protocol.UDP, SockDiagDump.AF_INET, "udp"),
    UDP_IPV6(Protocol.UDP, SockDiagDump.AF_INET6, "udp6");

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;

    private final Protocol protocol;
    private final int family;
    private final String procTable;
    private final String label;

    SockDiagDump(Protocol protocol, int family, String procTable) {
        this.protocol = protocol;
        this.family = family;
        this.procTable = procTable;
        this.label = protocol.label() + (family == AF_INET ? "/ipv4" : "/ipv6");
    }

    Protocol protocol() {
        return protocol;
    }

    /** {@code AF_INET} or {@code AF_INET6}. */
    int family() {
        return family;
    }

    /** {@code IPPROTO_TCP} or {@code IPPROTO_UDP}. */
    int ipProtocol() {
        return protocol == Protocol.TCP ? IPPROTO_TCP : IPPROTO_UDP;
    }

    /** The {@code /proc/net} file of the same sockets: {@code tcp}, {@code tcp6}, {@code udp}, {@code udp6}. */
    String procTable() {
        return procTable;
    }

    /** As messages name it: {@code tcp/ipv4}, {@code udp/ipv6}. */
    String label() {
        return label;
    }
}
