package io.portwatch.scan.macos;

import com.sun.jna.Pointer;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes {@code net.inet.tcp.pcblist_n} and {@code net.inet.udp.pcblist_n}, the sysctls
 * {@code netstat} reads: every TCP/UDP socket of the host, for any user, without owner pid. Pure Java
 * over a {@link Pointer} and its length, tested with hand-built buffers.
 *
 * <p>Layout from xnu (apple-oss-distributions/xnu, xnu-11417: {@code bsd/netinet/in_pcb.h},
 * {@code bsd/sys/socketvar.h}, {@code bsd/netinet/tcp_var.h}, filled in by
 * {@code bsd/netinet/in_pcblist.c}); these structures are declared under {@code #pragma pack(4)},
 * so 64-bit members are only 4-aligned. The buffer is an {@code xinpgen} (24 bytes: {@code xig_len},
 * {@code xig_count}, {@code u64 xig_gen}, {@code u64 xig_sogen}), then per socket one record of each
 * kind, each starting with {@code u32 len, u32 kind} and padded to a multiple of 8, then a closing
 * {@code xinpgen}. Offsets read:
 *
 * <pre>
 * xinpcb_n  (XSO_INPCB  0x10): 16 u16 inp_fport, 18 u16 inp_lport (network order), 28 u64 inp_gencnt,
 *                              44 u8 inp_vflag, 48 inp_dependfaddr[16], 64 inp_dependladdr[16]
 * xsocket_n (XSO_SOCKET 0x01): 8 u64 xso_so (the handle libproc calls soi_so), 36 xso_protocol,
 *                              44 short so_qlen, 48 short so_qlimit, 64 so_uid
 * xtcpcb_n  (XSO_TCPCB  0x20): 36 t_state (TCPS_*)
 * xsockbuf_n (XSO_RCVBUF 0x02, XSO_SNDBUF 0x04): 8 u32 sb_cc (bytes in the buffer)
 * XSO_STATS 0x08: present, not read
 * </pre>
 * Queues as {@code ss} shows them: a TCP listener's {@code so_qlen} (completed connections not yet accepted)
 * and {@code so_qlimit} (its backlog), else the receive and send buffers' {@code sb_cc}.
 */
final class PcbList {

    static final int XSO_SOCKET = 0x001;
    static final int XSO_RCVBUF = 0x002;
    static final int XSO_SNDBUF = 0x004;
    static final int XSO_STATS = 0x008;
    static final int XSO_INPCB = 0x010;
    static final int XSO_TCPCB = 0x020;
    private static final int ALL_INP = XSO_SOCKET | XSO_RCVBUF | XSO_SNDBUF | XSO_STATS | XSO_INPCB;
    private static final int ALL_TCP = ALL_INP | XSO_TCPCB;

    static final int XINPGEN_SIZE = 24;
    private static final int INPCB_MIN = 80;
    private static final int SOCKET_MIN = 68;
    private static final int TCPCB_MIN = 40;
    private static final int SOCKBUF_MIN = 12;

    private PcbList() {
    }

    /**
     * The sockets of one pcblist, each with {@link SocketEntry#UNKNOWN_PID}, its {@code xso_so} handle
     * as inode (to find its owner through libproc) and its {@code so_uid}.
     *
     * @param length the bytes the sysctl wrote
     * @throws IOException when a record runs past the end
     */
    static List<SocketEntry> decode(Pointer list, long length, Protocol protocol) throws IOException {
        List<SocketEntry> out = new ArrayList<>();
        if (length <= XINPGEN_SIZE) {
            return out;
        }
        if (length > Integer.MAX_VALUE) {
            throw new IOException("pcblist of " + length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(list.getByteArray(0, (int) length)).order(ByteOrder.LITTLE_ENDIAN);
        long generation = b.getLong(8);
        int wanted = protocol == Protocol.TCP ? ALL_TCP : ALL_INP;
        int seen = 0;
        int inpcb = -1;
        int socket = -1;
        int tcpcb = -1;
        int rcvbuf = -1;
        int sndbuf = -1;
        for (int at = roundUp8(b.getInt(0)); at + 8 <= length; ) {
            int len = b.getInt(at);
            int kind = b.getInt(at + 4);
            if (len <= XINPGEN_SIZE) {
                break; // the closing xinpgen
            }
            if (at + (long) len > length) {
                throw new IOException("pcblist record of " + len + " bytes at " + at + " runs past its " + length + " bytes");
            }
            if (kind == XSO_INPCB && len >= INPCB_MIN) {
                inpcb = at;
            } else if (kind == XSO_SOCKET && len >= SOCKET_MIN) {
                socket = at;
            } else if (kind == XSO_TCPCB && len >= TCPCB_MIN) {
                tcpcb = at;
            } else if (kind == XSO_RCVBUF && len >= SOCKBUF_MIN) {
                rcvbuf = at;
            } else if (kind == XSO_SNDBUF && len >= SOCKBUF_MIN) {
                sndbuf = at;
            }
            seen |= kind;
            at += roundUp8(len);
            if ((seen & wanted) != wanted) {
                continue;
            }
            seen = 0;
            if (inpcb >= 0 && socket >= 0 && (protocol == Protocol.UDP || tcpcb >= 0)) {
                SocketEntry e = entry(b, inpcb, socket, tcpcb, protocol, generation);
                if (e != null) {
                    out.add(queues(e, b, socket, rcvbuf, sndbuf));
                }
            }
            inpcb = socket = tcpcb = rcvbuf = sndbuf = -1;
        }
        return out;
    }

    /**
     * The listed sockets, each with the pid of the libproc socket of the same handle, unknown when
     * none; then the libproc sockets no list had (opened between the two reads).
     *
     * @param owned libproc's sockets by handle ({@code soi_so})
     */
    static List<SocketEntry> withOwners(List<SocketEntry> listed, Map<Long, SocketEntry> owned) {
        List<SocketEntry> all = new ArrayList<>(listed.size() + 16);
        Map<Long, SocketEntry> unmatched = new LinkedHashMap<>(owned);
        for (SocketEntry e : listed) {
            SocketEntry owner = e.inode() == 0 ? null : unmatched.remove(e.inode());
            all.add(owner == null ? e : e.withPid(owner.pid()));
        }
        all.addAll(unmatched.values());
        return all;
    }

    private static SocketEntry entry(ByteBuffer b, int inpcb, int socket, int tcpcb, Protocol protocol, long generation) {
        int soProtocol = b.getInt(socket + 36);
        int expected = protocol == Protocol.TCP ? MacSockets.IPPROTO_TCP : MacSockets.IPPROTO_UDP;
        if (soProtocol != 0 && soProtocol != expected) {
            return null; // e.g. an MPTCP subflow listed with TCP
        }
        if (Long.compareUnsigned(b.getLong(inpcb + 28), generation) > 0) {
            return null; // created while the list was copied out: netstat skips these too
        }
        byte vflag = b.get(inpcb + 44);
        if ((vflag & (ProcInfoStructures.InSockInfo.INI_IPV4 | ProcInfoStructures.InSockInfo.INI_IPV6)) == 0) {
            return null;
        }
        boolean ipv4 = MacSockets.isIPv4(vflag, 0);
        InetAddress remote = MacSockets.address(bytes(b, inpcb + 48), ipv4);
        InetAddress local = MacSockets.address(bytes(b, inpcb + 64), ipv4);
        int remotePort = networkPort(b, inpcb + 16);
        int localPort = networkPort(b, inpcb + 18);
        SocketState state;
        if (protocol == Protocol.TCP) {
            state = MacSockets.tcpState(b.getInt(tcpcb + 36));
        } else {
            state = remotePort == 0 && Addresses.isWildcard(remote) ? SocketState.UNCONN : SocketState.ESTABLISHED;
        }
        return new SocketEntry(protocol, local, localPort, remote, remotePort, state, b.getLong(socket + 8),
                b.getInt(socket + 64), SocketEntry.UNKNOWN_PID);
    }

    /** The entry with its queues: a listener's accept queue and backlog, else the buffers' byte counts. */
    private static SocketEntry queues(SocketEntry e, ByteBuffer b, int socket, int rcvbuf, int sndbuf) {
        if (e.protocol() == Protocol.TCP && e.state() == SocketState.LISTEN) {
            return e.withQueues(Math.max(0, b.getShort(socket + 44)), Math.max(0, b.getShort(socket + 48)));
        }
        return e.withQueues(rcvbuf < 0 ? SocketEntry.UNKNOWN_QUEUE : Math.max(0, b.getInt(rcvbuf + 8)),
                sndbuf < 0 ? SocketEntry.UNKNOWN_QUEUE : Math.max(0, b.getInt(sndbuf + 8)));
    }

    private static byte[] bytes(ByteBuffer b, int at) {
        byte[] raw = new byte[16];
        b.get(at, raw);
        return raw;
    }

    /** A {@code u_short} port in network byte order. */
    private static int networkPort(ByteBuffer b, int at) {
        return ((b.get(at) & 0xFF) << 8) | (b.get(at + 1) & 0xFF);
    }

    private static int roundUp8(int n) {
        return n <= 0 ? 8 : ((n - 1) | 7) + 1;
    }
}
