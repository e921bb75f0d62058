package io.portwatch.scan.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds the request of one {@code sock_diag} dump: an {@code nlmsghdr} of type {@code SOCK_DIAG_BY_FAMILY}
 * with {@code NLM_F_REQUEST | NLM_F_DUMP}, followed by a {@code struct inet_diag_req_v2} asking for every socket
 * of one family and protocol in every state ({@code idiag_states = 0xFFFFFFFF}), no extensions and a zero
 * {@code inet_diag_sockid} (no filter). Netlink headers are in host byte order. One builder writes every request
 * into the same buffer.
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

    private final ByteBuffer buffer;

    SockDiagRequest(ByteOrder hostOrder) {
        buffer = ByteBuffer.allocate(LENGTH).order(hostOrder);
    }

    /** The request of {@code dump} with sequence number {@code seq}: the builder's buffer, position 0, limit its length. */
    ByteBuffer build(SockDiagDump dump, int seq) {
        ByteBuffer b = buffer;
        b.clear();
        b.putInt(LENGTH);                           // nlmsg_len
        b.putShort((short) SOCK_DIAG_BY_FAMILY);    // nlmsg_type
        b.putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)); // nlmsg_flags
        b.putInt(seq);                              // nlmsg_seq
        b.putInt(0);                                // nlmsg_pid: the kernel fills in ours
        b.put((byte) dump.family());                // sdiag_family
        b.put((byte) dump.ipProtocol());            // sdiag_protocol
        b.put((byte) 0);                            // idiag_ext: none (INET_DIAG_INFO would go here)
        b.put((byte) 0);                            // pad
        b.putInt(ALL_STATES);                       // idiag_states
        while (b.position() < LENGTH) {             // inet_diag_sockid: zero, no filter
            b.put((byte) 0);
        }
        b.flip();
        return b;
    }
}
