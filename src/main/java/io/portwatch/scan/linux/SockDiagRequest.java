package io.portwatch.scan.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds the request of one {@code sock_diag} dump: an {@code nlmsghdr} of type {@code SOCK_DIAG_BY_FAMILY}
 * with {@code NLM_F_REQUEST | NLM_F_DUMP}, followed by a {@code struct inet_diag_req_v2} asking for every socket
 * of one family and protocol in every state ({@code idiag_states = 0xFFFFFFFF}), no extensions and a zero
 * {@code inet_diag_sockid} (no filter). Netlink headers are in host byte order. One builder writes every request
 * into the same buffer.
 *
 * <p>The quality request ({@link #buildQuality}) asks instead for the ESTABLISHED TCP sockets of one family whose
 * remote port passes a {@link RemotePortFilter} (attribute {@code INET_DIAG_REQ_BYTECODE}), each with its
 * {@code struct tcp_info} ({@code idiag_ext} bit of {@code INET_DIAG_INFO}).
 */
final class SockDiagRequest {

    static final int NETLINK_SOCK_DIAG = 4;
    static final int SOCK_DIAG_BY_FAMILY = 20;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_DUMP = 0x300;
    static final int NLMSG_HDRLEN = 16;
    /** {@code sizeof(struct inet_diag_req_v2)}: family, protocol, ext, pad, states and a 48-byte sockid. */
    static final int REQ_V2_LENGTH = 56;
    static final int LENGTH = NLMSG_HDRLEN + REQ_V2_LENGTH;
    static final int ALL_STATES = 0xFFFFFFFF;
    static final int INET_DIAG_INFO = 2;
    /** The longest request: a quality request with the longest filter. */
    static final int MAX_LENGTH = LENGTH + 4 + RemotePortFilter.MAX_LENGTH;
    static final int INET_DIAG_REQ_BYTECODE = 1;
    private static final int ESTABLISHED_ONLY = 1 << ProcNetParser.TCP_ESTABLISHED;
    private static final int RTA_HDRLEN = 4;

    private ByteBuffer buffer;

    SockDiagRequest(ByteOrder hostOrder) {
        buffer = ByteBuffer.allocate(LENGTH).order(hostOrder);
    }

    /** The request of {@code dump} with sequence number {@code seq}: the builder's buffer, position 0, limit its length. */
    ByteBuffer build(SockDiagDump dump, int seq) {
        return build(dump, seq, ALL_STATES, 0, null);
    }

    /**
     * The quality request of {@code dump} (a TCP one): ESTABLISHED sockets whose remote port passes {@code filter},
     * with {@code tcp_info}.
     */
    ByteBuffer buildQuality(SockDiagDump dump, int seq, RemotePortFilter filter) {
        return build(dump, seq, ESTABLISHED_ONLY, 1 << (INET_DIAG_INFO - 1), filter);
    }

    private ByteBuffer build(SockDiagDump dump, int seq, int states, int extensions, RemotePortFilter filter) {
        int length = LENGTH + (filter == null ? 0 : RTA_HDRLEN + filter.length());
        if (buffer.capacity() < length) {
            buffer = ByteBuffer.allocate(length).order(buffer.order());
        }
        ByteBuffer b = buffer;
        b.clear();
        b.putInt(length);                           // nlmsg_len
        b.putShort((short) SOCK_DIAG_BY_FAMILY);    // nlmsg_type
        b.putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)); // nlmsg_flags
        b.putInt(seq);                              // nlmsg_seq
        b.putInt(0);                                // nlmsg_pid: the kernel fills in ours
        b.put((byte) dump.family());                // sdiag_family
        b.put((byte) dump.ipProtocol());            // sdiag_protocol
        b.put((byte) extensions);                   // idiag_ext
        b.put((byte) 0);                            // pad
        b.putInt(states);                           // idiag_states
        while (b.position() < LENGTH) {             // inet_diag_sockid: zero
            b.put((byte) 0);
        }
        if (filter != null) {                       // struct rtattr + the program, 4-byte aligned by construction
            b.putShort((short) (RTA_HDRLEN + filter.length()));
            b.putShort((short) INET_DIAG_REQ_BYTECODE);
            filter.writeTo(b);
        }
        b.flip();
        return b;
    }
}
