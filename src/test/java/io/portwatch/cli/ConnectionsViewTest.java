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

    /** The name of this JVM's network namespace as portwatch names it ({@code host} when it is pid 1's). */
    private static String ownNetns(int port) throws Exception {
        return new io.portwatch.scan.linux.LinuxSocketSource().scan().sockets().stream()
                .filter(s -> s.localPort() == port && s.pid() == PID).findFirst().orElseThrow().netns().name();
    }

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
            assertTrue(r.out().startsWith("PROTO  RECV-Q  SEND-Q  LOCAL ADDRESS"), r.out());
            String user = System.getProperty("user.name");
            assertTrue(r.out().lines().anyMatch(l -> l.matches("tcp\\s+0\\s+50\\s+127\\.0\\.0\\.1:" + port + "\\s+0\\.0\\.0\\.0:0\\s+LISTEN\\s+"
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
    void jsonHasEveryColumnOfEverySocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 3, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            int port = server.getLocalPort();
            Run r = run("connections", "--port=" + port, "--format=json");
            assertEquals(0, r.exitCode(), r.err());
            String user = System.getProperty("user.name");
            String listener = "{\n    \"protocol\": \"tcp\",\n    \"recvQ\": 0,\n    \"sendQ\": 3,\n"
                    + "    \"localAddress\": \"127.0.0.1\",\n    \"localPort\": " + port + ",\n"
                    + "    \"remoteAddress\": \"0.0.0.0\",\n    \"remotePort\": 0,\n    \"state\": \"LISTEN\",\n"
                    + "    \"pid\": " + PID + ",\n    \"process\": \"java\",\n    \"user\": \"" + user + "\",\n"
                    + "    \"netns\": \"" + ownNetns(port) + "\",\n    \"rttMs\": null,\n    \"unacked\": null,\n"
                    + "    \"lastAckMs\": null,\n    \"retransmitted\": null,\n    \"sent\": null\n  }";
            assertTrue(r.out().startsWith("[\n  {"), r.out());
            assertTrue(r.out().contains("  " + listener + (r.out().indexOf(listener) < r.out().lastIndexOf("{") ? ",\n  {" : "\n]")),
                    r.out()); // sorted by local port: the client's may be lower than the listener's
            assertTrue(r.out().endsWith("}\n]\n"), r.out());
            assertEquals(3, r.out().split("\"protocol\"", -1).length - 1, "listener and both ends:\n" + r.out());
            assertEquals(3, r.out().split("\"sendQ\": 0", -1).length, "the two connections' send queues");
            assertTrue(client.isConnected() && accepted.isConnected());
        }
    }

    @Test
    void csvHasAHeaderAndOneLinePerSocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 7, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Run r = run("connections", "--port=" + port, "--format=csv");
            assertEquals(0, r.exitCode(), r.err());
            assertEquals("protocol,recvQ,sendQ,localAddress,localPort,remoteAddress,remotePort,state,pid,process,user,netns,rttMs,unacked,lastAckMs,retransmitted,sent\r\n"
                    + "tcp,0,7,127.0.0.1," + port + ",0.0.0.0,0,LISTEN," + PID + ",java," + System.getProperty("user.name")
                    + "," + ownNetns(port) + ",,,,,\r\n", r.out());
            Run empty = run("connections", "--port=" + port, "--protocol=udp", "--format=csv");
            assertEquals("protocol,recvQ,sendQ,localAddress,localPort,remoteAddress,remotePort,state,pid,process,user,netns,rttMs,unacked,lastAckMs,retransmitted,sent\r\n",
                    empty.out());
        }
    }

    @Test
    void csvFieldsAreQuotedAsRfc4180Says() {
        assertEquals("java", ConnectionsCsv.field("java"));
        assertEquals("\"a,b\"", ConnectionsCsv.field("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ConnectionsCsv.field("say \"hi\""));
        assertEquals("\"two\nlines\"", ConnectionsCsv.field("two\nlines"));
        assertEquals("\"cr\r\"", ConnectionsCsv.field("cr\r"));
        assertEquals("", ConnectionsCsv.field(""));
    }

    @Test
    void formatIsCheckedAndOnlyTheTableTakesStatsOrWatch() {
        Run bad = run("connections", "--format=xml");
        assertEquals(2, bad.exitCode());
        assertEquals("--format: expecting table, json or csv (found \"xml\")", bad.err().strip());
        Run stats = run("connections", "--format=json", "--stats");
        assertEquals(2, stats.exitCode());
        assertEquals("--stats: only with --format=table (found --format=json)", stats.err().strip());
        Run watch = run("connections", "--format=csv", "--watch=5");
        assertEquals(2, watch.exitCode());
        assertEquals("--watch: only with --format=table (found --format=csv)", watch.err().strip());
        Run info = run("connections", "--format=json", "--info");
        assertEquals(2, info.exitCode());
        assertEquals("--info: only with --format=table (found --format=json)", info.err().strip());
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
