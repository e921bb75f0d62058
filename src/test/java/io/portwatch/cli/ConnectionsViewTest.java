package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** {@code connections} on real sockets: the netstat -ano view with names, its filters and --stats. */
class ConnectionsViewTest {

    private static final long PID = ProcessHandle.current().pid();

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void listsOwnListenerAndConnectionWithPidProcessAndUser() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            int port = server.getLocalPort();
            Run r = run("connections", "--port=" + port);
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().startsWith("PROTO  LOCAL ADDRESS"), r.out());
            String user = System.getProperty("user.name");
            assertTrue(r.out().lines().anyMatch(l -> l.matches("tcp\\s+127\\.0\\.0\\.1:" + port + "\\s+0\\.0\\.0\\.0:0\\s+LISTEN\\s+"
                    + PID + "\\s+java\\s+" + user)), r.out());
            assertEquals(4, r.out().lines().count(), "header, listener, both ends of the connection:\n" + r.out());

            Run listening = run("connections", "--port=" + port, "--state=listen");
            assertEquals(2, listening.out().lines().count(), listening.out());
            Run estab = run("connections", "--port=" + port, "--state=ESTAB", "--process=JAVA");
            assertEquals(3, estab.out().lines().count(), estab.out());
            Run udp = run("connections", "--port=" + port, "--protocol=udp");
            assertEquals(1, udp.out().lines().count(), "header only:\n" + udp.out());
            assertTrue(client.isConnected() && accepted.isConnected());
        }
    }

    @Test
    void statsCountStatesAndProcesses() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Run r = run("connections", "--port=" + server.getLocalPort(), "--stats");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("STATE   COUNT  PERCENT\nLISTEN  1      100.0%\nTOTAL   1      100.0%"), r.out());
            assertTrue(r.out().contains("java     1      LISTEN=1"), r.out());
        }
    }

    @Test
    void badFilterValuesAreNamed() {
        Run r = run("connections", "--state=bogus");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("--state: expecting one of ESTABLISHED, SYN_SENT"), r.err());
        assertTrue(r.err().contains("(found \"bogus\")"), r.err());
        assertFalse(run("connections", "--protocol=icmp").err().isEmpty());
    }
}
