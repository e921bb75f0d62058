package io.portwatch.scan.linux;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.TcpQuality;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Parses the answer to a {@link SockDiagRequest}, one datagram at a time, into {@link SocketRows}: pure Java on a
 * {@link ByteBuffer}, so that it can be tested on captured bytes and fuzzed.
 *
 * <p>A datagram is a sequence of netlink messages, each a 16-byte {@code nlmsghdr} (length, type, flags, seq, pid;
 * host byte order) and its payload, the next one at the 4-byte aligned end of the last. A message of type
 * {@code SOCK_DIAG_BY_FAMILY} is one socket: a 72-byte {@code struct inet_diag_msg}
 * <pre>
 *   0 family  1 state  2 timer  3 retrans
 *   4 sockid: 4 sport, 6 dport (big-endian), 8 src[16], 24 dst[16] (network order), 40 if, 44 cookie[2]
 *  52 expires  56 rqueue  60 wqueue  64 uid  68 inode   (u32, host order)
 * </pre>
 * followed by attributes ({@code struct rtattr}: u16 length, u16 type, 4-byte aligned), which are handed to
 * {@link #attribute} by type: {@code INET_DIAG_INFO} ({@code struct tcp_info}, {@link TcpInfoReader}) in the answer to
 * a quality request, every other one skipped. The dump ends with {@code NLMSG_DONE}, whose
 * payload is an error code: not 0 is an error, as is {@code NLMSG_ERROR} (a kernel without {@code udp_diag}
 * answers a UDP dump that way). {@code NLM_F_DUMP_INTR} on a message means the tables changed during the dump:
 * {@link #interrupted()} then tells the caller to read it again.
 *
 * <p>Addresses are made as {@link ProcNetParser} makes them (one shared {@link InetAddress} per address through
 * {@link AddressCache}, {@code ::ffff:a.b.c.d} as {@code a.b.c.d}); for a TCP listener {@code idiag_rqueue} is its
 * accept queue and {@code idiag_wqueue} its backlog, which become its receive and send queue as {@code ss} prints
 * them. A uid beyond int is unknown (-1), as in {@code /proc}.
 *
 * <p>In a quality dump ({@link #beginQuality}) no row is added: each socket's figures go to a {@link QualitySink}
 * by inode.
 *
 * <p>Bad input never throws anything but {@link SockDiagException}, whose message names the dump and the offset.
 * Nothing is allocated per message but the rows. Not thread-safe: one dump at a time.
 */
final class SockDiagParser {

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLMSG_HDRLEN = SockDiagRequest.NLMSG_HDRLEN;
    /** {@code sizeof(struct inet_diag_msg)}. */
    static final int INET_DIAG_MSG_LENGTH = 72;
    private static final int RTA_HDRLEN = 4;
    /** The flag bits of an attribute's type ({@code NLA_F_NESTED}, {@code NLA_F_NET_BYTEORDER}). */
    private static final int NLA_TYPE_MASK = 0x3FFF;

    private final boolean littleEndian;
    private final AddressCache addresses = new AddressCache();
    private SockDiagDump dump = SockDiagDump.TCP_IPV4;
    private boolean interrupted;
    /** Where a quality dump's figures go; null in a dump of the tables. */
    private QualitySink qualities;
    /** The {@code INET_DIAG_INFO} payload of the socket being parsed: offset and length, -1 when it has none. */
    private int infoFrom = -1;
    private int infoLength;

    /** Takes the figures of one socket of a quality dump. */
    interface QualitySink {
        void put(long inode, TcpQuality quality);
    }

    /** A parser for answers of the kernel this JVM runs on. */
    SockDiagParser() {
        this(ByteOrder.nativeOrder());
    }

    /** A parser for answers of a kernel of the given byte order (captured bytes). */
    SockDiagParser(ByteOrder hostOrder) {
        this.littleEndian = hostOrder == ByteOrder.LITTLE_ENDIAN;
    }

    /** Starts parsing the answer to a new request of {@code dump}. */
    void begin(SockDiagDump next) {
        this.dump = next;
        this.interrupted = false;
        this.qualities = null;
    }

    /** Starts parsing the answer to a quality request of {@code dump}: figures go to {@code sink}, no rows. */
    void beginQuality(SockDiagDump next, QualitySink sink) {
        begin(next);
        this.qualities = sink;
    }

    /** True when a message of the dump so far carried {@code NLM_F_DUMP_INTR}: its rows may be inconsistent. */
    boolean interrupted() {
        return interrupted;
    }

    /**
     * Parses the datagram in {@code [0, length)} of {@code datagram}, adding a row per socket.
     *
     * @return true when the dump is done ({@code NLMSG_DONE} without error), false when more datagrams follow
     * @throws SockDiagException for an error of the kernel or a malformed datagram, naming the dump and the offset
     */
    boolean parse(ByteBuffer datagram, int length, SocketRows rows) throws SockDiagException {
        if (length < 0 || length > datagram.limit()) {
            throw new IllegalArgumentException("length " + length + " outside the buffer's " + datagram.limit() + " bytes");
        }
        ByteBuffer b = datagram;
        b.order(littleEndian ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int offset = 0;
        while (offset < length) {
            int left = length - offset;
            if (left < NLMSG_HDRLEN) {
                throw malformed(offset, "a 16-byte message header, found " + left + " bytes before the end of the "
                        + length + "-byte datagram");
            }
            long messageLength = b.getInt(offset) & 0xFFFFFFFFL;
            int type = b.getShort(offset + 4) & 0xFFFF;
            int flags = b.getShort(offset + 6) & 0xFFFF;
            if (messageLength < NLMSG_HDRLEN) {
                throw malformed(offset, "a message length of at least 16 bytes, found " + messageLength);
            }
            if (messageLength > left) {
                throw malformed(offset, "a message within the " + length + "-byte datagram, found a length of "
                        + messageLength);
            }
            int end = offset + (int) messageLength;
            if ((flags & NLM_F_DUMP_INTR) != 0) {
                interrupted = true;
            }
            switch (type) {
                case SockDiagRequest.SOCK_DIAG_BY_FAMILY:
                    socket(b, offset, end, rows);
                    break;
                case NLMSG_DONE:
                    // the payload is the dump's error code; a kernel may leave it out when 0
                    if (end - offset >= NLMSG_HDRLEN + 4) {
                        int error = b.getInt(offset + NLMSG_HDRLEN);
                        if (error != 0) {
                            throw kernelError(error);
                        }
                    }
                    return true;
                case NLMSG_ERROR:
                    if (end - offset < NLMSG_HDRLEN + 4) {
                        throw malformed(offset, "an NLMSG_ERROR with a 4-byte error code, found a length of "
                                + messageLength);
                    }
                    int error = b.getInt(offset + NLMSG_HDRLEN);
                    if (error == 0) {
                        throw new SockDiagException(dump, "an acknowledgement (NLMSG_ERROR 0) instead of the dump, at"
                                + " offset " + offset, 0);
                    }
                    throw kernelError(error);
                case NLMSG_OVERRUN:
                    throw new SockDiagException(dump, "NLMSG_OVERRUN at offset " + offset
                            + ": the kernel dropped part of the dump", 0);
                default:
                    break; // NLMSG_NOOP and what a later kernel may add: skipped
            }
            offset = (int) (offset + align4(messageLength));
        }
        return false;
    }

    /** One {@code inet_diag_msg} and its attributes in {@code [offset + 16, end)}. */
    private void socket(ByteBuffer b, int offset, int end, SocketRows rows) throws SockDiagException {
        int p = offset + NLMSG_HDRLEN;
        if (end - p < INET_DIAG_MSG_LENGTH) {
            throw malformed(offset, "an inet_diag_msg of " + INET_DIAG_MSG_LENGTH + " bytes, found " + (end - p));
        }
        int family = b.get(p) & 0xFF;
        if (family != dump.family()) {
            throw malformed(offset, "address family " + dump.family() + ", found " + family);
        }
        int state = b.get(p + 1) & 0xFF;
        int localPort = (b.get(p + 4) & 0xFF) << 8 | b.get(p + 5) & 0xFF;
        int remotePort = (b.get(p + 6) & 0xFF) << 8 | b.get(p + 7) & 0xFF;
        InetAddress local;
        InetAddress remote;
        if (family == SockDiagDump.AF_INET) {
            local = addresses.ipv4(bigEndianInt(b, p + 8));
            remote = addresses.ipv4(bigEndianInt(b, p + 24));
        } else {
            local = addresses.ipv6(bigEndianLong(b, p + 8), bigEndianLong(b, p + 16));
            remote = addresses.ipv6(bigEndianLong(b, p + 24), bigEndianLong(b, p + 32));
        }
        long receiveQueue = b.getInt(p + 56) & 0xFFFFFFFFL;
        long sendQueue = b.getInt(p + 60) & 0xFFFFFFFFL;
        long uid = b.getInt(p + 64) & 0xFFFFFFFFL;
        long inode = b.getInt(p + 68) & 0xFFFFFFFFL;

        int at = p + INET_DIAG_MSG_LENGTH; // 88: aligned
        infoFrom = -1;
        while (at < end) {
            if (end - at < RTA_HDRLEN) {
                throw malformed(at, "a 4-byte attribute header, found " + (end - at) + " bytes before the end of the"
                        + " message at offset " + offset);
            }
            int attributeLength = b.getShort(at) & 0xFFFF;
            int type = b.getShort(at + 2) & NLA_TYPE_MASK;
            if (attributeLength < RTA_HDRLEN || attributeLength > end - at) {
                throw malformed(at, "an attribute within the message at offset " + offset + " (" + (end - at)
                        + " bytes left), found a length of " + attributeLength);
            }
            attribute(type, b, at + RTA_HDRLEN, attributeLength - RTA_HDRLEN);
            at = (int) (at + align4(attributeLength));
        }
        if (qualities != null) {
            if (infoFrom >= 0 && inode != 0) {
                long cookie = (b.getInt(p + 44) & 0xFFFFFFFFL) | (long) b.getInt(p + 48) << 32;
                TcpQuality quality = TcpInfoReader.read(b, infoFrom, infoLength, cookie);
                if (quality != null) {
                    qualities.put(inode, quality);
                }
            }
            return;
        }
        Protocol protocol = dump.protocol();
        rows.add(protocol, local, localPort, remote, remotePort, state, uid > Integer.MAX_VALUE ? -1 : (int) uid,
                inode, clamp(receiveQueue), clamp(sendQueue));
    }

    /** One attribute of the socket being parsed, its payload in {@code [from, from + length)} of {@code b}. */
    private void attribute(int type, ByteBuffer b, int from, int length) {
        switch (type) {
            case SockDiagRequest.INET_DIAG_INFO:
                infoFrom = from;
                infoLength = length;
                break;
            default:
                break;
        }
    }

    private SockDiagException kernelError(int error) {
        int errno = (int) Math.min(Math.abs((long) error), Integer.MAX_VALUE);
        return new SockDiagException(dump, Errno.describe(errno), errno);
    }

    private SockDiagException malformed(int offset, String expecting) {
        return new SockDiagException(dump, "malformed answer at offset " + offset + ": expecting " + expecting, 0);
    }

    private int bigEndianInt(ByteBuffer b, int at) {
        int v = b.getInt(at);
        return littleEndian ? Integer.reverseBytes(v) : v;
    }

    private long bigEndianLong(ByteBuffer b, int at) {
        long v = b.getLong(at);
        return littleEndian ? Long.reverseBytes(v) : v;
    }

    private static long align4(long length) {
        return (length + 3) & ~3L;
    }

    private static int clamp(long queue) {
        return (int) Math.min(queue, Integer.MAX_VALUE);
    }
}
