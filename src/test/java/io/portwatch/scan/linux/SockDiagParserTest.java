package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;

/** {@link SockDiagParser} on hand-built answers: every rule of the format, every way it can be broken. */
class SockDiagParserTest {

    private static final byte[] LOOPBACK4 = {127, 0, 0, 1};
    private static final byte[] ANY = {};
    private static final byte[] MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3};
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;

    private final SocketRows rows = new SocketRows(4);

    @Test
    void portsAreBigEndianAddressesInNetworkOrderAndTheRestInHostOrder() throws Exception {
        byte[] answer = new DiagMessages()
                .socket(AF_INET, 1, 8080, LOOPBACK4, 0xC350, new byte[] {10, 0, 0, 7}, 3, 4, 1000, 123456, 0)
                .done(0, 0).bytes();

        assertTrue(parse(SockDiagDump.TCP_IPV4, answer));

        SocketEntry e = rows.entry(0, SocketEntry.UNKNOWN_PID);
        assertEquals(Protocol.TCP, e.protocol());
        assertEquals(InetAddress.getByName("127.0.0.1"), e.localAddress());
        assertEquals(8080, e.localPort());
        assertEquals(InetAddress.getByName("10.0.0.7"), e.remoteAddress());
        assertEquals(50000, e.remotePort());
        assertEquals(SocketState.ESTABLISHED, e.state());
        assertEquals(1000, e.uid());
        assertEquals(123456, e.inode());
        assertEquals(3, e.receiveQueue());
        assertEquals(4, e.sendQueue());
    }

    @Test
    void aSocketIsTheRowTheProcParserMakesOfTheSameSocket() throws Exception {
        byte[] answer = new DiagMessages()
                .socket(AF_INET6, 1, 0x1F90, MAPPED, 0x9411, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
                        5, 0, 0, 1982836, 0)
                .done(0, 0).bytes();
        parse(SockDiagDump.TCP_IPV6, answer);

        SocketEntry proc = new ProcNetParser().parseLine(Protocol.TCP, "6: 0000000000000000FFFF00000302010A:1F90"
                + " 00000000000000000000000001000000:9411 01 00000000:00000005 00:00000000 00000000     0        0"
                + " 1982836 1 0 20 4 30 10 -1");
        assertEquals(proc, rows.entry(0, SocketEntry.UNKNOWN_PID));
        assertEquals(InetAddress.getByName("10.1.2.3"), proc.localAddress(), "::ffff:10.1.2.3 as IPv4, as /proc gives it");
    }

    @Test
    void aTcpListenerHasItsAcceptQueueAsReceiveQueueAndItsBacklogAsSendQueue() throws Exception {
        byte[] answer = new DiagMessages().socket(AF_INET, 10, 80, ANY, 0, ANY, 2, 128, 0, 77, 0).done(0, 0).bytes();
        parse(SockDiagDump.TCP_IPV4, answer);

        SocketEntry e = rows.entry(0, SocketEntry.UNKNOWN_PID);
        assertEquals(SocketState.LISTEN, e.state());
        assertEquals(2, e.receiveQueue(), "accept queue");
        assertEquals(128, e.sendQueue(), "backlog");
        assertEquals(InetAddress.getByName("0.0.0.0"), e.localAddress());
    }

    @Test
    void udpStatesAreUnconnectedAndEstablished() throws Exception {
        byte[] answer = new DiagMessages().socket(AF_INET, 7, 53, LOOPBACK4, 0, ANY, 0, 0, 0, 1, 0)
                .socket(AF_INET, 1, 5353, LOOPBACK4, 53, LOOPBACK4, 0, 0, 0, 2, 0).done(0, 0).bytes();
        parse(SockDiagDump.UDP_IPV4, answer);

        assertEquals(SocketState.UNCONN, rows.entry(0, 0).state());
        assertEquals(Protocol.UDP, rows.entry(0, 0).protocol());
        assertEquals(SocketState.ESTABLISHED, rows.entry(1, 0).state());
    }

    @Test
    void aUidBeyondIntIsUnknownAndQueuesBeyondIntAreCapped() throws Exception {
        byte[] answer = new DiagMessages().socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, -1, -2, -1, -1, 0)
                .done(0, 0).bytes();
        parse(SockDiagDump.TCP_IPV4, answer);

        SocketEntry e = rows.entry(0, SocketEntry.UNKNOWN_PID);
        assertEquals(-1, e.uid());
        assertEquals(0xFFFFFFFFL, e.inode(), "inode is an unsigned 32-bit number");
        assertEquals(Integer.MAX_VALUE, e.receiveQueue());
        assertEquals(Integer.MAX_VALUE, e.sendQueue());
    }

    @Test
    void unknownAttributesAreSkippedWhateverTheirLengthAndFlags() throws Exception {
        byte[] answer = new DiagMessages()
                .socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, 0, 0, 0, 9, 0,
                        DiagMessages.attribute(8, (byte) 1),                  // INET_DIAG_SHUTDOWN, padded to 8
                        DiagMessages.attribute(0x8000 | 4, new byte[20]),      // NLA_F_NESTED on a type
                        DiagMessages.attribute(999),                          // empty, unknown
                        DiagMessages.attribute(2, new byte[232]))             // INET_DIAG_INFO, not asked for
                .socket(AF_INET, 1, 3, LOOPBACK4, 4, LOOPBACK4, 0, 0, 0, 10, 0)
                .done(0, 0).bytes();
        assertTrue(parse(SockDiagDump.TCP_IPV4, answer));

        assertEquals(2, rows.size());
        assertEquals(9, rows.inode(0));
        assertEquals(10, rows.inode(1));
    }

    @Test
    void aDumpSpansDatagramsUntilDone() throws Exception {
        SockDiagParser parser = new SockDiagParser();
        parser.begin(SockDiagDump.TCP_IPV4);
        byte[] first = new DiagMessages().socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, 0, 0, 0, 1, 0).bytes();
        byte[] last = new DiagMessages().done(0, 0).bytes();

        assertFalse(parser.parse(ByteBuffer.wrap(first), first.length, rows), "no NLMSG_DONE yet");
        assertTrue(parser.parse(ByteBuffer.wrap(last), last.length, rows));
        assertEquals(1, rows.size());
    }

    @Test
    void doneWithoutAnErrorCodeEndsTheDumpAndNoopIsSkipped() throws Exception {
        byte[] answer = new DiagMessages().header(16, SockDiagParser.NLMSG_NOOP, 0, 0)
                .header(16, SockDiagParser.NLMSG_DONE, 0, 0).bytes();
        assertTrue(parse(SockDiagDump.TCP_IPV4, answer));
        assertEquals(0, rows.size());
    }

    @Test
    void anErrorCodeInsideDoneIsAnErrorNotAnEmptyTable() {
        byte[] answer = new DiagMessages().socket(AF_INET6, 7, 1, ANY, 0, ANY, 0, 0, 0, 1, 0).done(-95, 0).bytes();

        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.UDP_IPV6, answer));
        assertEquals("sock_diag dump of udp/ipv6: EOPNOTSUPP (errno 95)", e.getMessage());
        assertEquals(95, e.errno());
        assertTrue(e.protocolUnsupported());
    }

    @Test
    void nlmsgErrorIsAnError() {
        byte[] answer = new DiagMessages().error(-2).bytes();

        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.UDP_IPV4, answer));
        assertEquals("sock_diag dump of udp/ipv4: ENOENT (errno 2)", e.getMessage());
        assertTrue(e.protocolUnsupported());

        SockDiagException perm = assertThrows(SockDiagException.class,
                () -> parse(SockDiagDump.TCP_IPV4, new DiagMessages().error(-1).bytes()));
        assertEquals("sock_diag dump of tcp/ipv4: EPERM (errno 1)", perm.getMessage());
        assertFalse(perm.protocolUnsupported(), "EPERM is no missing udp_diag");
    }

    @Test
    void anAcknowledgementInsteadOfTheDumpIsAnError() {
        SockDiagException e = assertThrows(SockDiagException.class,
                () -> parse(SockDiagDump.TCP_IPV4, new DiagMessages().error(0).bytes()));
        assertEquals("sock_diag dump of tcp/ipv4: an acknowledgement (NLMSG_ERROR 0) instead of the dump, at offset 0",
                e.getMessage());
    }

    @Test
    void overrunIsAnError() {
        SockDiagException e = assertThrows(SockDiagException.class,
                () -> parse(SockDiagDump.TCP_IPV4, new DiagMessages().header(16, SockDiagParser.NLMSG_OVERRUN, 0, 0).bytes()));
        assertTrue(e.getMessage().startsWith("sock_diag dump of tcp/ipv4: NLMSG_OVERRUN at offset 0"), e.getMessage());
    }

    @Test
    void dumpIntrOnAnyMessageMarksTheDumpInterrupted() throws Exception {
        SockDiagParser parser = new SockDiagParser();
        parser.begin(SockDiagDump.TCP_IPV4);
        byte[] answer = new DiagMessages().socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, 0, 0, 0, 1,
                SockDiagParser.NLM_F_DUMP_INTR).done(0, 0).bytes();
        assertTrue(parser.parse(ByteBuffer.wrap(answer), answer.length, rows));
        assertTrue(parser.interrupted());

        parser.begin(SockDiagDump.TCP_IPV4);
        assertFalse(parser.interrupted(), "a new dump starts clean");
        byte[] flaggedDone = new DiagMessages().done(0, SockDiagParser.NLM_F_DUMP_INTR).bytes();
        parser.parse(ByteBuffer.wrap(flaggedDone), flaggedDone.length, rows);
        assertTrue(parser.interrupted(), "on NLMSG_DONE too");
    }

    @Test
    void aMessageLengthPastTheDatagramIsAnErrorNamingTheOffset() {
        byte[] first = new DiagMessages().socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, 0, 0, 0, 1, 0).bytes();
        byte[] answer = new DiagMessages().raw(first).header(4000, SockDiagRequest.SOCK_DIAG_BY_FAMILY, 0, 72).bytes();

        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, answer));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 88: expecting a message within the"
                + " 176-byte datagram, found a length of 4000", e.getMessage());
        assertEquals(0, e.errno());
    }

    @Test
    void aTruncatedMessageIsAnErrorNamingTheOffset() {
        byte[] whole = new DiagMessages().socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, 0, 0, 0, 1, 0).bytes();
        byte[] cut = java.util.Arrays.copyOf(whole, 50);

        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, cut));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 0: expecting a message within the"
                + " 50-byte datagram, found a length of 88", e.getMessage());

        byte[] tail = java.util.Arrays.copyOf(whole, whole.length + 7);
        SockDiagException short7 = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, tail));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 88: expecting a 16-byte message header,"
                + " found 7 bytes before the end of the 95-byte datagram", short7.getMessage());
    }

    @Test
    void aMessageTooShortForItsSocketIsAnError() {
        byte[] answer = new DiagMessages().header(16 + 40, SockDiagRequest.SOCK_DIAG_BY_FAMILY, 0, 40).bytes();
        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, answer));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 0: expecting an inet_diag_msg of 72 bytes,"
                + " found 40", e.getMessage());
    }

    @Test
    void aZeroLengthMessageIsAnErrorNotAnEndlessLoop() {
        byte[] answer = new DiagMessages().header(0, SockDiagRequest.SOCK_DIAG_BY_FAMILY, 0, 0).done(0, 0).bytes();
        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, answer));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 0: expecting a message length of at least"
                + " 16 bytes, found 0", e.getMessage());
    }

    @Test
    void anAttributeOfLengthZeroOrPastItsMessageIsAnErrorNamingItsOffset() {
        byte[] zero = new DiagMessages().socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, 0, 0, 0, 1, 0,
                DiagMessages.attribute(5, new byte[6])).bytes();
        zero[88] = 0; // the attribute's length, first byte in either order
        zero[89] = 0;
        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, zero));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 88: expecting an attribute within the"
                + " message at offset 0 (12 bytes left), found a length of 0", e.getMessage());

        byte[] past = new DiagMessages().socket(AF_INET, 1, 1, LOOPBACK4, 2, LOOPBACK4, 0, 0, 0, 1, 0,
                DiagMessages.attribute(5, new byte[6])).bytes();
        ByteBuffer.wrap(past).order(java.nio.ByteOrder.nativeOrder()).putShort(88, (short) 200);
        SockDiagException e2 = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, past));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 88: expecting an attribute within the"
                + " message at offset 0 (12 bytes left), found a length of 200", e2.getMessage());
    }

    @Test
    void aSocketOfTheOtherFamilyIsAnError() {
        byte[] answer = new DiagMessages().socket(AF_INET6, 1, 1, ANY, 2, ANY, 0, 0, 0, 1, 0).bytes();
        SockDiagException e = assertThrows(SockDiagException.class, () -> parse(SockDiagDump.TCP_IPV4, answer));
        assertEquals("sock_diag dump of tcp/ipv4: malformed answer at offset 0: expecting address family 2, found 10",
                e.getMessage());
    }

    /** Parses one datagram as the whole answer. */
    private boolean parse(SockDiagDump dump, byte[] datagram) throws SockDiagException {
        SockDiagParser parser = new SockDiagParser();
        parser.begin(dump);
        return parser.parse(ByteBuffer.wrap(datagram), datagram.length, rows);
    }
}
