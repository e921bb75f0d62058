package io.portwatch.scan.windows;

import com.sun.jna.Pointer;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the tables that {@code GetExtendedTcpTable} and {@code GetExtendedUdpTable} fill in. Pure
 * Java over a {@link Pointer} and its length, so that it is tested on any OS with hand-built buffers.
 *
 * <p>A length of 0 stands for no table at all (the address family is not installed) and gives no rows.
 *
 * <p>Layouts as in the Windows SDK header {@code tcpmib.h} / {@code udpmib.h} (Windows 10 SDK,
 * 10.0.19041): every table is a {@code DWORD dwNumEntries} followed by the rows at offset 4. All
 * {@code DWORD}s are little-endian (every Windows architecture is). Addresses are in network byte
 * order; ports are in network byte order in the low 16 bits of a {@code DWORD}, that is in its first
 * two bytes, and the upper two bytes are undefined.
 *
 * <p>Checked on Linux, without Windows: {@code MibLayoutTest} compares every size, offset and constant here with the
 * SDK headers of mingw-w64 (a C probe run under wine), and {@code WineCaptureTest} / {@code WineCaptureFixtureTest}
 * decode tables that wine's IP Helper wrote for known sockets and compare them with {@code /proc/net}.
 *
 * <pre>
 * MIB_TCPROW_OWNER_PID   (24 bytes)  0 dwState, 4 dwLocalAddr, 8 dwLocalPort, 12 dwRemoteAddr,
 *                                    16 dwRemotePort, 20 dwOwningPid
 * MIB_TCP6ROW_OWNER_PID  (56 bytes)  0 ucLocalAddr[16], 16 dwLocalScopeId, 20 dwLocalPort,
 *                                    24 ucRemoteAddr[16], 40 dwRemoteScopeId, 44 dwRemotePort,
 *                                    48 dwState, 52 dwOwningPid
 * MIB_UDPROW_OWNER_PID   (12 bytes)  0 dwLocalAddr, 4 dwLocalPort, 8 dwOwningPid
 * MIB_UDP6ROW_OWNER_PID  (28 bytes)  0 ucLocalAddr[16], 16 dwLocalScopeId, 20 dwLocalPort, 24 dwOwningPid
 * </pre>
 */
final class MibTables {

    // Sizes and offsets, named after the SDK's structures and fields; MibLayoutTest compares each with what the
    // SDK headers say (offsetof/sizeof, printed by src/test/c/mib_layout.c compiled with mingw-w64).

    /** {@code sizeof(MIB_TCPROW_OWNER_PID)}. */
    static final int TCP4_ROW = 24;
    static final int TCP4_STATE = 0;
    static final int TCP4_LOCAL_ADDR = 4;
    static final int TCP4_LOCAL_PORT = 8;
    static final int TCP4_REMOTE_ADDR = 12;
    static final int TCP4_REMOTE_PORT = 16;
    static final int TCP4_OWNING_PID = 20;

    /** {@code sizeof(MIB_TCP6ROW_OWNER_PID)}. */
    static final int TCP6_ROW = 56;
    static final int TCP6_LOCAL_ADDR = 0;
    static final int TCP6_LOCAL_SCOPE_ID = 16;
    static final int TCP6_LOCAL_PORT = 20;
    static final int TCP6_REMOTE_ADDR = 24;
    static final int TCP6_REMOTE_SCOPE_ID = 40;
    static final int TCP6_REMOTE_PORT = 44;
    static final int TCP6_STATE = 48;
    static final int TCP6_OWNING_PID = 52;

    /** {@code sizeof(MIB_UDPROW_OWNER_PID)}. */
    static final int UDP4_ROW = 12;
    static final int UDP4_LOCAL_ADDR = 0;
    static final int UDP4_LOCAL_PORT = 4;
    static final int UDP4_OWNING_PID = 8;

    /** {@code sizeof(MIB_UDP6ROW_OWNER_PID)}. */
    static final int UDP6_ROW = 28;
    static final int UDP6_LOCAL_ADDR = 0;
    static final int UDP6_LOCAL_SCOPE_ID = 16;
    static final int UDP6_LOCAL_PORT = 20;
    static final int UDP6_OWNING_PID = 24;

    /** Offset of {@code dwNumEntries} in every table. */
    static final int NUM_ENTRIES = 0;
    /** Offset of the first row ({@code table}) in every table: after {@code dwNumEntries}, rows are 4-byte aligned. */
    static final int FIRST_ROW = 4;

    // MIB_TCP_STATE (tcpmib.h)
    static final int MIB_TCP_STATE_CLOSED = 1;
    /** The remote fields of a LISTEN row are undefined. */
    static final int MIB_TCP_STATE_LISTEN = 2;
    static final int MIB_TCP_STATE_SYN_SENT = 3;
    static final int MIB_TCP_STATE_SYN_RCVD = 4;
    static final int MIB_TCP_STATE_ESTAB = 5;
    static final int MIB_TCP_STATE_FIN_WAIT1 = 6;
    static final int MIB_TCP_STATE_FIN_WAIT2 = 7;
    static final int MIB_TCP_STATE_CLOSE_WAIT = 8;
    static final int MIB_TCP_STATE_CLOSING = 9;
    static final int MIB_TCP_STATE_LAST_ACK = 10;
    static final int MIB_TCP_STATE_TIME_WAIT = 11;
    static final int MIB_TCP_STATE_DELETE_TCB = 12;

    private MibTables() {
    }

    /** The rows of a {@code MIB_TCPTABLE_OWNER_PID}. */
    static List<SocketEntry> tcp4(Pointer table, long length) throws IOException {
        ByteBuffer b = rows(table, length, TCP4_ROW, "MIB_TCPTABLE_OWNER_PID");
        int n = b.getInt(NUM_ENTRIES);
        List<SocketEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int row = FIRST_ROW + i * TCP4_ROW;
            int state = b.getInt(row + TCP4_STATE);
            boolean listen = state == MIB_TCP_STATE_LISTEN;
            out.add(new SocketEntry(Protocol.TCP,
                    ipv4(b, row + TCP4_LOCAL_ADDR), port(b, row + TCP4_LOCAL_PORT),
                    listen ? Addresses.anyIPv4() : ipv4(b, row + TCP4_REMOTE_ADDR),
                    listen ? 0 : port(b, row + TCP4_REMOTE_PORT),
                    tcpState(state), 0, -1, b.getInt(row + TCP4_OWNING_PID)));
        }
        return out;
    }

    /** The rows of a {@code MIB_TCP6TABLE_OWNER_PID}. */
    static List<SocketEntry> tcp6(Pointer table, long length) throws IOException {
        ByteBuffer b = rows(table, length, TCP6_ROW, "MIB_TCP6TABLE_OWNER_PID");
        int n = b.getInt(NUM_ENTRIES);
        List<SocketEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int row = FIRST_ROW + i * TCP6_ROW;
            int state = b.getInt(row + TCP6_STATE);
            boolean listen = state == MIB_TCP_STATE_LISTEN;
            out.add(new SocketEntry(Protocol.TCP,
                    ipv6(b, row + TCP6_LOCAL_ADDR, b.getInt(row + TCP6_LOCAL_SCOPE_ID)), port(b, row + TCP6_LOCAL_PORT),
                    listen ? Addresses.anyIPv6() : ipv6(b, row + TCP6_REMOTE_ADDR, b.getInt(row + TCP6_REMOTE_SCOPE_ID)),
                    listen ? 0 : port(b, row + TCP6_REMOTE_PORT),
                    tcpState(state), 0, -1, b.getInt(row + TCP6_OWNING_PID)));
        }
        return out;
    }

    /** The rows of a {@code MIB_UDPTABLE_OWNER_PID}: bound sockets, which Windows lists without a remote end. */
    static List<SocketEntry> udp4(Pointer table, long length) throws IOException {
        ByteBuffer b = rows(table, length, UDP4_ROW, "MIB_UDPTABLE_OWNER_PID");
        int n = b.getInt(NUM_ENTRIES);
        List<SocketEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int row = FIRST_ROW + i * UDP4_ROW;
            out.add(new SocketEntry(Protocol.UDP, ipv4(b, row + UDP4_LOCAL_ADDR), port(b, row + UDP4_LOCAL_PORT),
                    Addresses.anyIPv4(), 0, SocketState.UNCONN, 0, -1, b.getInt(row + UDP4_OWNING_PID)));
        }
        return out;
    }

    /** The rows of a {@code MIB_UDP6TABLE_OWNER_PID}. */
    static List<SocketEntry> udp6(Pointer table, long length) throws IOException {
        ByteBuffer b = rows(table, length, UDP6_ROW, "MIB_UDP6TABLE_OWNER_PID");
        int n = b.getInt(NUM_ENTRIES);
        List<SocketEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int row = FIRST_ROW + i * UDP6_ROW;
            out.add(new SocketEntry(Protocol.UDP,
                    ipv6(b, row + UDP6_LOCAL_ADDR, b.getInt(row + UDP6_LOCAL_SCOPE_ID)), port(b, row + UDP6_LOCAL_PORT),
                    Addresses.anyIPv6(), 0, SocketState.UNCONN, 0, -1, b.getInt(row + UDP6_OWNING_PID)));
        }
        return out;
    }

    /**
     * The portwatch state of a {@code MIB_TCP_STATE} code (tcpmib.h). {@code DELETE_TCB} (12), a
     * connection whose control block is being deleted, becomes {@link SocketState#CLOSE}, as Linux
     * calls a socket on its way out; codes Windows does not define become {@link SocketState#UNKNOWN}.
     */
    static SocketState tcpState(int mibState) {
        switch (mibState) {
            case MIB_TCP_STATE_CLOSED: return SocketState.CLOSE;
            case MIB_TCP_STATE_LISTEN: return SocketState.LISTEN;
            case MIB_TCP_STATE_SYN_SENT: return SocketState.SYN_SENT;
            case MIB_TCP_STATE_SYN_RCVD: return SocketState.SYN_RECV;
            case MIB_TCP_STATE_ESTAB: return SocketState.ESTABLISHED;
            case MIB_TCP_STATE_FIN_WAIT1: return SocketState.FIN_WAIT1;
            case MIB_TCP_STATE_FIN_WAIT2: return SocketState.FIN_WAIT2;
            case MIB_TCP_STATE_CLOSE_WAIT: return SocketState.CLOSE_WAIT;
            case MIB_TCP_STATE_CLOSING: return SocketState.CLOSING;
            case MIB_TCP_STATE_LAST_ACK: return SocketState.LAST_ACK;
            case MIB_TCP_STATE_TIME_WAIT: return SocketState.TIME_WAIT;
            case MIB_TCP_STATE_DELETE_TCB: return SocketState.CLOSE;
            default: return SocketState.UNKNOWN;
        }
    }

    /** The table's bytes, little-endian, after checking that its row count fits its length. */
    private static ByteBuffer rows(Pointer table, long length, int rowSize, String what) throws IOException {
        if (length == 0) {
            return ByteBuffer.allocate(FIRST_ROW); // no table (that address family is not installed): no rows
        }
        if (length < FIRST_ROW) {
            throw new IOException(what + ": " + length + " bytes, not even a row count");
        }
        long n = ByteBuffer.wrap(table.getByteArray(0, FIRST_ROW)).order(ByteOrder.LITTLE_ENDIAN).getInt(NUM_ENTRIES) & 0xFFFF_FFFFL;
        long needed = FIRST_ROW + n * rowSize;
        if (needed > length || needed > Integer.MAX_VALUE) {
            throw new IOException(what + ": " + n + " rows of " + rowSize + " bytes do not fit in " + length + " bytes");
        }
        return ByteBuffer.wrap(table.getByteArray(0, (int) needed)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A port in network byte order in the first two bytes of a DWORD; the other two are ignored. */
    static int port(ByteBuffer b, int offset) {
        return ((b.get(offset) & 0xFF) << 8) | (b.get(offset + 1) & 0xFF);
    }

    private static InetAddress ipv4(ByteBuffer b, int offset) {
        byte[] raw = new byte[4];
        b.get(offset, raw);
        return Addresses.fromBytes(raw);
    }

    /**
     * An IPv6 address, with its scope id only when it is link-local ({@code fe80::1%12}): a scope id is
     * meaningless for other addresses, and Windows reports none for {@code ::1}, while wine reports one for
     * every address (4096 for {@code ::1}, 0xFFFFFFFF for IPv4-mapped), which would print as {@code [::1%4096]}.
     */
    private static InetAddress ipv6(ByteBuffer b, int offset, int scopeId) {
        byte[] raw = new byte[16];
        b.get(offset, raw);
        InetAddress plain = Addresses.fromBytes(raw); // IPv4-mapped becomes IPv4
        if (scopeId <= 0 || !(plain instanceof Inet6Address) || !plain.isLinkLocalAddress()) {
            return plain;
        }
        try {
            return Inet6Address.getByAddress(null, raw, scopeId);
        } catch (UnknownHostException e) {
            return plain;
        }
    }
}
