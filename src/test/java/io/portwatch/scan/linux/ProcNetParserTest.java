package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The socket table parser on tables captured from a real kernel. The fixtures in
 * {@code ProcNetParserTest/} are copies of {@code /proc/net/{tcp,tcp6,udp,udp6}} from an x86_64 host;
 * the README beside them says how they were made and which sockets were open.
 */
class ProcNetParserTest {

    /** The fixtures come from a little-endian host; the parser must read them the same way anywhere. */
    private final ProcNetParser parser = new ProcNetParser(ByteOrder.LITTLE_ENDIAN);

    private static final InetAddress LOOPBACK4 = ip("127.0.0.1");
    private static final InetAddress LOOPBACK6 = ip("::1");

    // ---------------------------------------------------------------- captured tables

    @Test
    void capturedTcpTableHasEveryLineWithListenersConnectionsAndTimeWait() {
        List<SocketEntry> tcp = fixture("tcp", Protocol.TCP);

        assertEquals(8, tcp.size());
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK4, 40799, Addresses.anyIPv4(), 0, SocketState.LISTEN,
                7439, 0, -1).withQueues(0, SocketEntry.UNKNOWN_QUEUE), tcp.get(0));
        assertEquals(new SocketEntry(Protocol.TCP, Addresses.anyIPv4(), 43753, Addresses.anyIPv4(), 0,
                SocketState.LISTEN, 7440, 0, -1).withQueues(0, SocketEntry.UNKNOWN_QUEUE), tcp.get(1));
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK4, 50602, LOOPBACK4, 40799, SocketState.ESTABLISHED,
                7443, 0, -1).withQueues(0, 0), tcp.get(5));
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK4, 40799, LOOPBACK4, 50602, SocketState.ESTABLISHED,
                7444, 0, -1).withQueues(0, 0), tcp.get(3));
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK4, 40799, LOOPBACK4, 50612, SocketState.CLOSE_WAIT,
                7448, 0, -1).withQueues(1, 0), tcp.get(4));
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK4, 50606, LOOPBACK4, 40799, SocketState.TIME_WAIT,
                0, 0, -1).withQueues(0, 0), tcp.get(6));
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK4, 50612, LOOPBACK4, 40799, SocketState.FIN_WAIT2,
                0, 0, -1).withQueues(0, 0), tcp.get(7));
    }

    @Test
    void timeWaitSocketHasInodeZeroAndNoOwner() {
        SocketEntry timeWait = fixture("tcp", Protocol.TCP).get(6);

        assertEquals(SocketState.TIME_WAIT, timeWait.state());
        assertEquals(0, timeWait.inode());
        assertEquals(SocketEntry.UNKNOWN_PID, timeWait.pid());
    }

    @Test
    void capturedTcp6TableHasIPv6AndIPv4MappedSockets() {
        List<SocketEntry> tcp6 = fixture("tcp6", Protocol.TCP);

        assertEquals(10, tcp6.size());
        assertEquals(new SocketEntry(Protocol.TCP, Addresses.anyIPv6(), 40995, Addresses.anyIPv6(), 0,
                SocketState.LISTEN, 7449, 0, -1).withQueues(0, SocketEntry.UNKNOWN_QUEUE), tcp6.get(0));
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK6, 34159, Addresses.anyIPv6(), 0,
                SocketState.LISTEN, 7450, 0, -1).withQueues(0, SocketEntry.UNKNOWN_QUEUE), tcp6.get(1));
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK6, 55692, LOOPBACK6, 34159, SocketState.ESTABLISHED,
                7452, 0, -1).withQueues(0, 0), tcp6.get(8));
        // ::ffff:127.0.0.1 on both ends is stored as 127.0.0.1
        SocketEntry mapped = tcp6.get(7);
        assertEquals(new SocketEntry(Protocol.TCP, LOOPBACK4, 39036, LOOPBACK4, 40995, SocketState.ESTABLISHED,
                7454, 0, -1).withQueues(0, 0), mapped);
        assertInstanceOf(Inet4Address.class, mapped.localAddress());
        assertInstanceOf(Inet4Address.class, mapped.remoteAddress());
        assertInstanceOf(Inet6Address.class, tcp6.get(0).localAddress());
    }

    @Test
    void capturedUdpTablesHaveBoundAndConnectedSockets() {
        List<SocketEntry> udp = fixture("udp", Protocol.UDP);
        List<SocketEntry> udp6 = fixture("udp6", Protocol.UDP);

        assertEquals(List.of(
                new SocketEntry(Protocol.UDP, LOOPBACK4, 57023, Addresses.anyIPv4(), 0, SocketState.UNCONN, 7441, 0, -1)
                        .withQueues(0, 0),
                new SocketEntry(Protocol.UDP, LOOPBACK4, 47786, LOOPBACK4, 57023, SocketState.ESTABLISHED, 7442, 0, -1)
                        .withQueues(0, 0)),
                udp);
        assertEquals(List.of(
                new SocketEntry(Protocol.UDP, Addresses.anyIPv6(), 55901, Addresses.anyIPv6(), 0, SocketState.UNCONN,
                        7451, 0, -1).withQueues(0, 0)),
                udp6);
    }

    @Test
    void capturedFullListenerHasTwoWaitingConnectionsAndItsBacklogComesFromSs() throws IOException {
        List<SocketEntry> tcp = fixture("tcp-full-listener", Protocol.TCP);
        SocketEntry listener = tcp.get(1);
        assertEquals(38095, listener.localPort());
        assertEquals(SocketState.LISTEN, listener.state());
        assertEquals(2, listener.receiveQueue(), "rx_queue of a LISTEN line: its accept queue");
        assertEquals(SocketEntry.UNKNOWN_QUEUE, listener.sendQueue(), "tx_queue of a LISTEN line is not its backlog");
        assertEquals(1, tcp.get(6).sendQueue(), "a SYN_SENT client's SYN");
        assertEquals(SocketState.SYN_SENT, tcp.get(6).state());

        // the backlog from the ss output captured with it
        SocketRows rows = new SocketRows(8);
        try (InputStream in = ProcNetParserTest.class.getResourceAsStream("ProcNetParserTest/tcp-full-listener");
             InputStream ss = ProcNetParserTest.class.getResourceAsStream("ListenBacklogsTest/ss-Hltne.txt")) {
            parser.parse(Protocol.TCP, in, rows);
            String listed = new String(ss.readAllBytes(), StandardCharsets.UTF_8);
            new ListenBacklogs(() -> listed).fill(rows);
        }
        SocketEntry filled = rows.entry(1, SocketEntry.UNKNOWN_PID);
        assertEquals(1, filled.sendQueue());
        assertTrue(filled.acceptQueueFull(), "2 waiting > backlog 1");
        assertEquals(128, rows.entry(0, SocketEntry.UNKNOWN_PID).sendQueue());
        assertFalse(rows.entry(0, SocketEntry.UNKNOWN_PID).acceptQueueFull());
    }

    @Test
    void malformedQueuesAreRejectedByColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parser.parseLine(Protocol.TCP,
                "   0: 0100007F:1F90 00000000:0000 0A 0000000G:00000000 00:00000000 00000000  1000        0 12345"));
        assertTrue(e.getMessage().startsWith("tx_queue:rx_queue: expecting two queues of 8 hex digits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parser.parseLine(Protocol.TCP,
                "   0: 0100007F:1F90 00000000:0000 0A 00000000-00000000 00:00000000 00000000  1000        0 12345"));
        assertTrue(e.getMessage().startsWith("tx_queue:rx_queue: expecting"), e.getMessage());
    }

    @Test
    void queuesOfEstablishedAndUdpLinesAreBytes() {
        SocketEntry tcp = parser.parseLine(Protocol.TCP,
                "   0: 0100007F:1F90 0100007F:C350 01 000005A8:00010000 00:00000000 00000000  1000        0 12345");
        assertEquals(1448, tcp.sendQueue());
        assertEquals(65536, tcp.receiveQueue());
        SocketEntry udp = parser.parseLine(Protocol.UDP,
                "   0: 0100007F:1F90 00000000:0000 07 00000000:FFFFFFFF 00:00000000 00000000  1000        0 12345");
        assertEquals(0, udp.sendQueue());
        assertEquals(Integer.MAX_VALUE, udp.receiveQueue(), "beyond int: capped");
    }

    // ---------------------------------------------------------------- addresses and ports

    @Test
    void ipv4AddressIsOneWordInHostByteOrder() {
        assertEquals(ip("10.1.2.3"), parser.parseLine(Protocol.TCP, line("0302010A:0050", "00000000:0000", "0A")).localAddress());
        assertEquals(ip("192.168.0.1"), parser.parseLine(Protocol.TCP, line("0100A8C0:0050", "00000000:0000", "0A")).localAddress());
    }

    @Test
    void bigEndianKernelWritesAddressWordsInNetworkOrder() {
        ProcNetParser bigEndian = new ProcNetParser(ByteOrder.BIG_ENDIAN);

        assertEquals(LOOPBACK4, bigEndian.parseLine(Protocol.TCP, line("7F000001:0050", "00000000:0000", "0A")).localAddress());
        assertEquals(ip("fe80::fc:ff:fe00:1"), bigEndian.parseLine(Protocol.TCP,
                line("FE80000000000000" + "00FC00FFFE000001:0016", "0".repeat(32) + ":0000", "0A")).localAddress());
    }

    @Test
    void ipv6AddressIsFourWordsEachInHostByteOrder() {
        SocketEntry socket = parser.parseLine(Protocol.TCP,
                line("000080FE00000000FF00FC00010000FE:0016", "000000FD000000000000000002000000:D431", "01"));

        assertEquals(ip("fe80::fc:ff:fe00:1"), socket.localAddress());
        assertEquals(ip("fd00::2"), socket.remoteAddress());
        assertEquals(22, socket.localPort());
        assertEquals(54321, socket.remotePort());
    }

    @Test
    void ipv4MappedIPv6AddressIsStoredInIPv4Form() {
        SocketEntry socket = parser.parseLine(Protocol.TCP,
                line("0000000000000000FFFF00000100007F:1F90", "0000000000000000FFFF00000100A8C0:C350", "01"));

        assertEquals(LOOPBACK4, socket.localAddress());
        assertInstanceOf(Inet4Address.class, socket.localAddress());
        assertEquals(ip("192.168.0.1"), socket.remoteAddress());
    }

    @Test
    void wildcardAddressesAreTheSharedWildcards() {
        assertEquals(Addresses.anyIPv4(), parser.parseLine(Protocol.UDP, line("00000000:0035", "00000000:0000", "07")).localAddress());
        assertEquals(Addresses.anyIPv6(), parser.parseLine(Protocol.UDP,
                line("0".repeat(32) + ":0035", "0".repeat(32) + ":0000", "07")).localAddress());
    }

    @Test
    void portsAreBigEndianHex() {
        assertAll(
                () -> assertEquals(80, localPort("0050")),
                () -> assertEquals(8080, localPort("1F90")),
                () -> assertEquals(443, localPort("01BB")),
                () -> assertEquals(65535, localPort("FFFF")),
                () -> assertEquals(0, localPort("0000")),
                () -> assertEquals(8080, localPort("1f90")));
    }

    // ---------------------------------------------------------------- states

    @Test
    void everyTcpStateCodeMapsToItsKernelName() {
        Map<Integer, SocketState> known = Map.ofEntries(
                Map.entry(0x01, SocketState.ESTABLISHED), Map.entry(0x02, SocketState.SYN_SENT),
                Map.entry(0x03, SocketState.SYN_RECV), Map.entry(0x04, SocketState.FIN_WAIT1),
                Map.entry(0x05, SocketState.FIN_WAIT2), Map.entry(0x06, SocketState.TIME_WAIT),
                Map.entry(0x07, SocketState.CLOSE), Map.entry(0x08, SocketState.CLOSE_WAIT),
                Map.entry(0x09, SocketState.LAST_ACK), Map.entry(0x0A, SocketState.LISTEN),
                Map.entry(0x0B, SocketState.CLOSING), Map.entry(0x0C, SocketState.NEW_SYN_RECV));
        assertStates(Protocol.TCP, known);
    }

    @Test
    void udpIsEstablishedWhenConnectedUnconnWhenOnlyBoundAndUnknownOtherwise() {
        assertStates(Protocol.UDP, Map.of(0x01, SocketState.ESTABLISHED, 0x07, SocketState.UNCONN));
    }

    /** Every two-digit code: the known ones map as given, all others (0x00, 0x0D..0xFF) are UNKNOWN. */
    private void assertStates(Protocol protocol, Map<Integer, SocketState> known) {
        List<Executable> checks = new ArrayList<>();
        for (int code = 0; code <= 0xFF; code++) {
            String st = String.format("%02X", code);
            SocketState expected = known.getOrDefault(code, SocketState.UNKNOWN);
            checks.add(() -> assertEquals(expected,
                    parser.parseLine(protocol, line("0100007F:0050", "00000000:0000", st)).state(), "st " + st));
        }
        assertAll(checks);
    }

    // ---------------------------------------------------------------- other columns

    @Test
    void uidAndInodeAreDecimal() {
        String line = "   7: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0"
                + " 4294967296 1 0000000000000000 100 0 0 10 0";
        SocketEntry socket = parser.parseLine(Protocol.TCP, line);

        assertEquals(1000, socket.uid());
        assertEquals(4_294_967_296L, socket.inode());
    }

    @Test
    void wideSlotNumberWithoutLeadingSpaceParses() {
        String line = "16064: 00000000000000000000000000000000:DA5D 00000000000000000000000000000000:0000 07"
                + " 00000000:00000000 00:00000000 00000000     0        0 7451 2 00000000b4fc531e 0";

        assertEquals(55901, parser.parseLine(Protocol.UDP, line).localPort());
    }

    @Test
    void headerAndBlankLinesAreSkipped() throws IOException {
        String table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
                + line("0100007F:0050", "00000000:0000", "0A") + "\n\n";
        assertEquals(1, parse(Protocol.TCP, table).size());
    }

    @Test
    void headerOnlyTableHasNoSockets() throws IOException {
        assertTrue(parse(Protocol.UDP,
                "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n")
                .isEmpty());
    }

    // ---------------------------------------------------------------- malformed lines

    @Test
    void malformedAddressNamesColumnAndText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parser.parseLine(Protocol.TCP, line("0100007:0050", "00000000:0000", "0A")));

        assertTrue(e.getMessage().startsWith("local_address: expecting an address of 8 or 32 hex digits, a colon and"
                + " a port of 4 hex digits, found \"0100007:0050\""), e.getMessage());
    }

    @Test
    void nonHexPortNamesColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parser.parseLine(Protocol.TCP, line("0100007F:0050", "00000000:00G0", "0A")));

        assertTrue(e.getMessage().startsWith("rem_address: expecting a port of 4 hex digits, found \"00000000:00G0\""),
                e.getMessage());
    }

    @Test
    void truncatedLineNamesTheMissingColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parser.parseLine(Protocol.TCP, "   0: 0100007F:0050 00000000:0000 0A 00000000:00000000"));

        assertTrue(e.getMessage().startsWith("tr:tm->when: expecting a column, found the end of the line"), e.getMessage());
    }

    @Test
    void malformedLineInTableNamesItsLineNumber() {
        String table = "header\n" + line("0100007F:0050", "00000000:0000", "0A") + "\n"
                + line("0100007F:0050", "00000000:0000", "XY") + "\n";

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> parse(Protocol.TCP, table));

        assertTrue(e.getMessage().startsWith("line 3: st: expecting a hex state code, found \"XY\""), e.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private int localPort(String hexPort) {
        return parser.parseLine(Protocol.TCP, line("0100007F:" + hexPort, "00000000:0000", "0A")).localPort();
    }

    /** A socket line (same layout in tcp, tcp6, udp, udp6) with the given address and state columns; uid 1000, inode 4242. */
    private static String line(String local, String remote, String st) {
        return "   0: " + local + " " + remote + " " + st
                + " 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0000000000000000 100 0 0 10 0";
    }

    /** Reads a captured table from the resources through the production parse method. */
    private List<SocketEntry> fixture(String name, Protocol protocol) {
        try (InputStream raw = ProcNetParserTest.class.getResourceAsStream("ProcNetParserTest/" + name)) {
            if (raw == null) {
                throw new IllegalStateException("missing fixture ProcNetParserTest/" + name);
            }
            return parse(protocol, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a whole table through the production method. */
    private List<SocketEntry> parse(Protocol protocol, String table) {
        try {
            return parse(protocol, new ByteArrayInputStream(table.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<SocketEntry> parse(Protocol protocol, InputStream table) throws IOException {
        SocketRows rows = new SocketRows(4);
        parser.parse(protocol, table, rows);
        List<SocketEntry> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            out.add(rows.entry(i, SocketEntry.UNKNOWN_PID));
        }
        return out;
    }

    private static InetAddress ip(String literal) {
        return Addresses.parseLiteral(literal);
    }
}
