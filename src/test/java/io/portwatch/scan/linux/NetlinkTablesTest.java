package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * {@link NetlinkTables} over an injected syscall layer ({@link ScriptedChannel}): the order of the dumps, repeats,
 * the UDP fallback to {@code /proc}, and every failure leaving the rows as they were and the socket closed.
 */
class NetlinkTablesTest {

    private static final byte[] LOOPBACK4 = {127, 0, 0, 1};
    private static final byte[] ANY = {};
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final List<String> FOUR_DUMPS = List.of("2/6", "10/6", "2/17", "10/17");

    @TempDir
    Path procNet;

    private final ScriptedChannel.Kernel kernel = new ScriptedChannel.Kernel();
    private final LogCapture logged = new LogCapture();

    @AfterEach
    void stopCapture() {
        logged.close();
    }

    @Test
    void readsTcpAndUdpOverIpv4AndIpv6InOneRead() throws Exception {
        kernel.answer(tcp4(80, 10, 1), done())
                .answer(new DiagMessages().socket(AF_INET6, 10, 443, ANY, 0, ANY, 0, 128, 0, 2, 0).bytes(), done())
                .answer(new DiagMessages().socket(AF_INET, 7, 53, LOOPBACK4, 0, ANY, 0, 0, 0, 3, 0).done(0, 0).bytes())
                .answer(new DiagMessages().socket(AF_INET6, 7, 5353, ANY, 0, ANY, 0, 0, 0, 4, 0).done(0, 0).bytes());
        SocketRows rows = new SocketRows(4);
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            tables.read(rows, far());
        }

        assertEquals(FOUR_DUMPS, kernel.requests);
        assertEquals(List.of("TCP 80 LISTEN 1", "TCP 443 LISTEN 2", "UDP 53 UNCONN 3", "UDP 5353 UNCONN 4"), describe(rows));
        assertTrue(kernel.opened.get(0).closed, "closed by close()");
    }

    @Test
    void aDumpTheKernelFlagsInterruptedIsReadAgainAndOnlyTheLastAnswerCounts() throws Exception {
        kernel.answer(new DiagMessages().socket(AF_INET, 1, 1000, LOOPBACK4, 1, LOOPBACK4, 0, 0, 0, 9, 0)
                        .done(0, SockDiagParser.NLM_F_DUMP_INTR).bytes())
                .answer(tcp4(80, 10, 1), done())
                .answer(done(), done(), done());
        SocketRows rows = new SocketRows(4);
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            tables.read(rows, far());
        }

        assertEquals(List.of("2/6", "2/6", "10/6", "2/17", "10/17"), kernel.requests);
        assertEquals(List.of("TCP 80 LISTEN 1"), describe(rows));
    }

    @Test
    void aDumpInterruptedMoreThanThreeTimesFailsAndLeavesTheRowsAsTheyWere() throws Exception {
        for (int i = 0; i <= NetlinkTables.MAX_REPEATS; i++) {
            kernel.answer(new DiagMessages().socket(AF_INET, 1, 1000 + i, LOOPBACK4, 1, LOOPBACK4, 0, 0, 0, 9,
                    SockDiagParser.NLM_F_DUMP_INTR).done(0, 0).bytes());
        }
        SocketRows rows = new SocketRows(4);
        rows.add(Protocol.TCP, null, 1, null, 2, 1, 0, 5L);
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            IOException e = assertThrows(IOException.class, () -> tables.read(rows, far()));
            assertEquals("sock_diag dump of tcp/ipv4: read 4 times, each time the kernel flagged it interrupted"
                    + " (NLM_F_DUMP_INTR): the table changed during the dump", e.getMessage());
        }
        assertEquals(List.of("2/6", "2/6", "2/6", "2/6"), kernel.requests);
        assertEquals(1, rows.size(), "the row that was there before the read, no other");
        assertTrue(kernel.opened.get(0).closed);
    }

    @Test
    void withoutUdpDiagUdpComesFromProcNetSaidOnceInTheLog() throws Exception {
        Files.writeString(procNet.resolve("udp"), "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when"
                + " retrnsmt   uid  timeout inode ref pointer drops\n"
                + "  1: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 777 2 0 0\n");
        // no udp6: a kernel without IPv6 has none, and no UDP over IPv6
        kernel.answer(tcp4(80, 10, 1), done()).answer(done())
                .answer(new DiagMessages().error(-2).bytes())
                .answer(tcp4(81, 10, 2), done()).answer(done());
        SocketRows first = new SocketRows(4);
        SocketRows second = new SocketRows(4);
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            tables.read(first, far());
            tables.read(second, far());
            assertTrue(tables.udpFromProc());
        }

        assertEquals(List.of("2/6", "10/6", "2/17", "2/6", "10/6"), kernel.requests, "UDP asked once, then never");
        assertEquals(List.of("TCP 80 LISTEN 1", "UDP 53 UNCONN 777"), describe(first));
        assertEquals(List.of("TCP 81 LISTEN 2", "UDP 53 UNCONN 777"), describe(second));
        assertEquals(1, kernel.opened.size(), "the refusal is an answer, not a broken socket");
        List<String> infos = logged.messages(Level.INFO);
        assertEquals(1, infos.size(), infos.toString());
        assertEquals("the kernel refuses UDP over sock_diag (no udp_diag: sock_diag dump of udp/ipv4: ENOENT (errno 2)):"
                + " UDP sockets are read from " + procNet.resolve("udp") + " and udp6, TCP over netlink", infos.get(0));
    }

    @Test
    void anotherKernelErrorFailsTheReadClosesTheSocketAndTheNextReadOpensAnother() throws Exception {
        kernel.answer(new DiagMessages().error(-1).bytes())
                .answer(tcp4(80, 10, 1), done()).answer(done(), done(), done());
        SocketRows rows = new SocketRows(4);
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            IOException e = assertThrows(IOException.class, () -> tables.read(rows, far()));
            assertEquals("sock_diag dump of tcp/ipv4: EPERM (errno 1)", e.getMessage());
            assertTrue(kernel.opened.get(0).closed);
            assertEquals(0, rows.size());

            tables.read(rows, far());
        }
        assertEquals(2, kernel.opened.size());
        assertEquals(List.of("TCP 80 LISTEN 1"), describe(rows));
    }

    @Test
    void aUdpErrorThatIsNoMissingUdpDiagIsAFailureNotAFallback() throws Exception {
        kernel.answer(done(), done()).answer(new DiagMessages().done(-12, 0).bytes());
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            IOException e = assertThrows(IOException.class, () -> tables.read(new SocketRows(4), far()));
            assertEquals("sock_diag dump of udp/ipv4: ENOMEM (errno 12)", e.getMessage());
            assertFalse(tables.udpFromProc());
        }
    }

    @Test
    void aDatagramLongerThanTheBufferIsNeverCutTheBufferGrowsAndTheDumpIsReadAgain() throws Exception {
        kernel.then(ScriptedChannel.Step.tooLong(10_000))
                .answer(tcp4(80, 10, 1), done()).answer(done(), done(), done());
        SocketRows rows = new SocketRows(4);
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            tables.read(rows, far());
        }
        assertEquals(List.of("TCP 80 LISTEN 1"), describe(rows));
        assertEquals(2, kernel.opened.size(), "the rest of the cut dump went with its socket");
        assertTrue(kernel.opened.get(0).closed);
        assertEquals(12_288, kernel.opened.get(1).buffer().capacity(), "10000 rounded up to pages");
    }

    @Test
    void aDumpNotDoneByTheDeadlineIsAbandonedAndItsSocketClosed() throws Exception {
        kernel.answer(tcp4(80, 10, 1)).then(ScriptedChannel.Step.deadline());
        SocketRows rows = new SocketRows(4);
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            IOException e = assertThrows(IOException.class,
                    () -> tables.read(rows, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500)));
            assertTrue(e.getMessage().matches("sock_diag dump of tcp/ipv4 did not finish within [0-9]+ ms"), e.getMessage());
        }
        assertEquals(0, rows.size());
        assertTrue(kernel.opened.get(0).closed);
    }

    @Test
    void aFailingSendOrReceiveFailsTheReadAndClosesTheSocket() throws Exception {
        kernel.then(ScriptedChannel.Step.failure(new IOException("recv from the sock_diag socket: ENOBUFS (errno 105)")));
        try (NetlinkTables tables = NetlinkTables.open(kernel.opener(), procNet)) {
            IOException e = assertThrows(IOException.class, () -> tables.read(new SocketRows(4), far()));
            assertEquals("recv from the sock_diag socket: ENOBUFS (errno 105)", e.getMessage());
        }
        assertTrue(kernel.opened.get(0).closed);
    }

    @Test
    void aSocketTheKernelOrSeccompRefusesOrAJnaThatDoesNotLoadIsUnavailable() {
        NetlinkTables.UnavailableException refused = assertThrows(NetlinkTables.UnavailableException.class,
                () -> NetlinkTables.open(() -> {
                    throw new NetlinkTables.UnavailableException("socket(AF_NETLINK, NETLINK_SOCK_DIAG): EPERM (errno 1)",
                            null);
                }, procNet));
        assertEquals("socket(AF_NETLINK, NETLINK_SOCK_DIAG): EPERM (errno 1)", refused.getMessage());

        NetlinkTables.UnavailableException noJna = assertThrows(NetlinkTables.UnavailableException.class,
                () -> NetlinkTables.open(() -> {
                    throw new NoClassDefFoundError("com/sun/jna/Native");
                }, procNet));
        assertEquals("JNA cannot load: java.lang.NoClassDefFoundError: com/sun/jna/Native", noJna.getMessage());
    }

    /** The class loader of an application without JNA: open() says so, no NoClassDefFoundError escapes. */
    @Test
    void withoutJnaOnTheClassPathNetlinkIsUnavailableNotALinkageError() throws Exception {
        java.net.URL classes = NetlinkTables.class.getProtectionDomain().getCodeSource().getLocation();
        try (java.net.URLClassLoader noJna = new java.net.URLClassLoader(new java.net.URL[] {classes},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> tables = Class.forName(NetlinkTables.class.getName(), true, noJna);
            assertThrows(ClassNotFoundException.class, () -> Class.forName("com.sun.jna.Native", false, noJna));
            java.lang.reflect.Method open = tables.getDeclaredMethod("open", Path.class);
            open.setAccessible(true);
            java.lang.reflect.InvocationTargetException e = assertThrows(java.lang.reflect.InvocationTargetException.class,
                    () -> open.invoke(null, procNet));
            assertEquals(NetlinkTables.UnavailableException.class.getName(), e.getCause().getClass().getName());
            assertEquals("the netlink reader needs JNA 5.0.0 or newer, and no JNA (com.sun.jna) is on the class path",
                    e.getCause().getMessage());
        }
    }

    @Test
    void aSocketThatCannotBeOpenedAgainAfterAFailureIsAnErrorOfTheRead() throws Exception {
        kernel.answer(new DiagMessages().error(-1).bytes());
        int[] opens = {0};
        SockDiagChannel.Opener onceOnly = () -> {
            if (opens[0]++ > 0) {
                throw new NetlinkTables.UnavailableException("socket(AF_NETLINK, NETLINK_SOCK_DIAG): EMFILE (errno 24)",
                        null);
            }
            return kernel.opener().open();
        };
        try (NetlinkTables tables = NetlinkTables.open(onceOnly, procNet)) {
            assertThrows(IOException.class, () -> tables.read(new SocketRows(4), far()));
            IOException e = assertThrows(IOException.class, () -> tables.read(new SocketRows(4), far()));
            assertEquals("cannot open the sock_diag socket again: socket(AF_NETLINK, NETLINK_SOCK_DIAG): EMFILE (errno 24)",
                    e.getMessage());
        }
    }

    private static byte[] tcp4(int port, int state, int inode) {
        return new DiagMessages().socket(AF_INET, state, port, ANY, 0, ANY, 0, 128, 0, inode, 0).bytes();
    }

    private static byte[] done() {
        return new DiagMessages().done(0, 0).bytes();
    }

    private static long far() {
        return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    }

    private static List<String> describe(SocketRows rows) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            SocketEntry e = rows.entry(i, SocketEntry.UNKNOWN_PID);
            SocketState state = e.state();
            out.add(e.protocol() + " " + e.localPort() + " " + state + " " + e.inode());
        }
        return out;
    }
}
