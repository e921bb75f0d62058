package io.portwatch.scan.macos;

import com.sun.jna.Pointer;
import io.portwatch.text.Printable;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.macos.ProcInfoStructures.InSockInfo;
import io.portwatch.scan.macos.ProcInfoStructures.ProcBsdInfo;
import io.portwatch.scan.macos.ProcInfoStructures.SocketFdInfo;
import io.portwatch.scan.macos.ProcInfoStructures.SocketInfo;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;

/**
 * Decodes what libproc fills in, through the structures of {@link ProcInfoStructures}. Pure Java
 * over a {@link Pointer} and its length, so that it is tested on any OS with hand-built buffers.
 */
final class MacSockets {

    static final int AF_INET = 2;
    /** {@code AF_INET6} is 30 on macOS (10 on Linux, 23 on Windows). */
    static final int AF_INET6 = 30;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_UDP = 17;

    /** {@code sizeof(struct socket_fdinfo)}, {@code PROC_PIDFDSOCKETINFO_SIZE}. */
    static final int SOCKET_FDINFO_SIZE = new SocketFdInfo().size();
    /** {@code sizeof(struct proc_bsdinfo)}, {@code PROC_PIDTBSDINFO_SIZE}. */
    static final int BSDINFO_SIZE = new ProcBsdInfo().size();

    private MacSockets() {
    }

    /**
     * The socket a {@code socket_fdinfo} describes, or null when it is none portwatch reports (not
     * IPv4/IPv6, not TCP/UDP) or the kernel wrote less than a whole {@code socket_fdinfo}.
     *
     * @param length what {@code proc_pidfdinfo} returned: the bytes it wrote
     * @param pid    the process whose descriptor it is
     */
    static SocketEntry decode(Pointer fdinfo, int length, int pid) {
        if (length < SOCKET_FDINFO_SIZE) {
            return null;
        }
        SocketFdInfo info = new SocketFdInfo(fdinfo);
        info.read();
        SocketInfo si = info.psi;
        if (si.soi_family != AF_INET && si.soi_family != AF_INET6) {
            return null;
        }
        InSockInfo in;
        Protocol protocol;
        SocketState state;
        if (si.soi_kind == SocketInfo.SOCKINFO_TCP) {
            protocol = Protocol.TCP;
            in = si.soi_proto.pri_tcp.tcpsi_ini;
            state = tcpState(si.soi_proto.pri_tcp.tcpsi_state);
        } else if (si.soi_kind == SocketInfo.SOCKINFO_IN && si.soi_protocol == IPPROTO_UDP) {
            protocol = Protocol.UDP;
            in = si.soi_proto.pri_in;
            state = null; // from the remote end, below
        } else if (si.soi_kind == SocketInfo.SOCKINFO_IN && si.soi_protocol == IPPROTO_TCP) {
            // a TCP socket without its control block (being torn down): no state to tell
            protocol = Protocol.TCP;
            in = si.soi_proto.pri_in;
            state = SocketState.UNKNOWN;
        } else {
            return null; // raw IP, ICMP, ...
        }
        boolean ipv4 = isIPv4(in.insi_vflag, si.soi_family);
        InetAddress local = address(in.insi_laddr, ipv4);
        InetAddress remote = address(in.insi_faddr, ipv4);
        int localPort = port(in.insi_lport);
        int remotePort = port(in.insi_fport);
        if (state == null) {
            state = remotePort == 0 && Addresses.isWildcard(remote) ? SocketState.UNCONN : SocketState.ESTABLISHED;
        }
        // as ss shows them: a TCP listener's completed connections not yet accepted and its backlog, else bytes
        boolean listener = protocol == Protocol.TCP && state == SocketState.LISTEN;
        int receive = Math.max(0, listener ? si.soi_qlen : si.soi_rcv.sbi_cc);
        int send = Math.max(0, listener ? si.soi_qlimit : si.soi_snd.sbi_cc);
        return new SocketEntry(protocol, local, localPort, remote, remotePort, state, si.soi_so,
                si.soi_stat.vst_uid, pid, receive, send);
    }

    /**
     * Whether the addresses are in IPv4 form. The kernel fills in the IPv6 form whenever the socket
     * does IPv6 ({@code INI_IPV6}), which includes a dual-stack socket bound to {@code ::}, and the
     * IPv4 form otherwise, which includes an IPv6 socket bound or connected to an IPv4-mapped address.
     */
    static boolean isIPv4(byte vflag, int family) {
        if ((vflag & InSockInfo.INI_IPV6) != 0) {
            return false;
        }
        if ((vflag & InSockInfo.INI_IPV4) != 0) {
            return true;
        }
        return family == AF_INET;
    }

    /** The address in a 16-byte {@code in4in6_addr}/{@code in6_addr} union. */
    static InetAddress address(byte[] union16, boolean ipv4) {
        return Addresses.fromBytes(ipv4 ? Arrays.copyOfRange(union16, 12, 16) : union16.clone());
    }

    /**
     * A port as libproc gives it: the {@code u_short} in network byte order, widened to an int, which
     * on a little-endian Mac puts the port's high byte in bits 0-7 and its low byte in bits 8-15.
     */
    static int port(int networkOrderInInt) {
        return ((networkOrderInInt & 0xFF) << 8) | ((networkOrderInInt >>> 8) & 0xFF);
    }

    /**
     * The portwatch state of a macOS TCP state ({@code TSI_S_*} of {@code <sys/proc_info.h>}, the
     * {@code TCPS_*} of {@code <netinet/tcp_fsm.h>}); other codes become {@link SocketState#UNKNOWN}.
     */
    static SocketState tcpState(int tsiState) {
        switch (tsiState) {
            case 0: return SocketState.CLOSE;        // TSI_S_CLOSED
            case 1: return SocketState.LISTEN;
            case 2: return SocketState.SYN_SENT;
            case 3: return SocketState.SYN_RECV;     // TSI_S_SYN_RECEIVED
            case 4: return SocketState.ESTABLISHED;
            case 5: return SocketState.CLOSE_WAIT;   // TSI_S__CLOSE_WAIT
            case 6: return SocketState.FIN_WAIT1;
            case 7: return SocketState.CLOSING;
            case 8: return SocketState.LAST_ACK;
            case 9: return SocketState.FIN_WAIT2;
            case 10: return SocketState.TIME_WAIT;
            default: return SocketState.UNKNOWN;
        }
    }

    /** {@code sizeof(struct proc_fdinfo)}: {@code int32_t proc_fd; uint32_t proc_fdtype;}. */
    static final int PROC_FDINFO_SIZE = 8;

    /**
     * The socket descriptors in a {@code proc_fdinfo} array, as {@code proc_pidinfo(PROC_PIDLISTFDS)}
     * fills it in.
     *
     * @param bytes what {@code proc_pidinfo} returned: the bytes it wrote
     */
    static int[] socketFds(Pointer list, int bytes) {
        int n = Math.max(0, bytes) / PROC_FDINFO_SIZE;
        int[] fds = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            long entry = (long) i * PROC_FDINFO_SIZE;
            if (list.getInt(entry + 4) == LibSystem.PROX_FDTYPE_SOCKET) {
                fds[count++] = list.getInt(entry);
            }
        }
        return Arrays.copyOf(fds, count);
    }

    /** What portwatch takes from a {@code proc_bsdinfo}. */
    record BsdInfo(int uid, String comm, Instant startedAt) {
    }

    /** Decodes a {@code proc_bsdinfo}, or null when the kernel wrote less than a whole one. */
    static BsdInfo bsdInfo(Pointer p, int length) {
        if (length < BSDINFO_SIZE) {
            return null;
        }
        ProcBsdInfo info = new ProcBsdInfo(p);
        info.read();
        String name = cString(info.pbi_name);
        String comm = name.isEmpty() ? cString(info.pbi_comm) : name;
        Instant started = info.pbi_start_tvsec == 0 ? null
                : Instant.ofEpochSecond(info.pbi_start_tvsec, Math.floorMod(info.pbi_start_tvusec, 1_000_000L) * 1000);
        return new BsdInfo(info.pbi_uid, comm, started);
    }

    /** A NUL-terminated UTF-8 string in a fixed-size array, made printable ({@link #text}). */
    static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return text(bytes, end);
    }

    /**
     * The first {@code length} bytes of a name the kernel gave ({@code proc_name}, {@code proc_pidpath},
     * {@code pbi_comm}, {@code pw_name}): where macOS text enters portwatch (docs/design.md §5, rule 4).
     * They may hold any byte: decoded leniently (invalid UTF-8 as U+FFFD, a name cut inside a character
     * too) and made printable (control characters as {@code \xHH}).
     */
    static String text(byte[] bytes, int length) {
        return Printable.decode(bytes, 0, Math.max(0, Math.min(length, bytes.length)));
    }
}
