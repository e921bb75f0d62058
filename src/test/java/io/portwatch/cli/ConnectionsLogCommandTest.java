package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.history.ConnectionsLog;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.portwatch.testing.FakeSource;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code connections --log} and {@code --watch}: the Log-Connections.ps1 CSV and the PortQry watch. */
class ConnectionsLogCommandTest {

    private static final String HEADER = "TimeStamp,Protocol,LocalAddress,LocalPort,RemoteAddress,RemotePort,State,ProcessName,PID";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(CommandLine cl, String... args) {
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private static List<CSVRecord> parse(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser p = CSVParser.builder().setReader(in).setFormat(CSVFormat.DEFAULT).get()) {
            return p.getRecords();
        }
    }

    private static final ProcessInfo ODD = new ProcessInfo(4242, "web,server \"beta\"", "web", "svc", "/opt/web", "", null);

    private static SocketEntry socket(String local, int localPort, String remote, int remotePort, SocketState state) {
        return new SocketEntry(Protocol.TCP, Addresses.parseLiteral(local), localPort, Addresses.parseLiteral(remote),
                remotePort, state, localPort, 0, 4242);
    }

    private static Snapshot snapshot(String at, SocketEntry... sockets) {
        return new Snapshot(Instant.parse(at), Duration.ofMillis(1), List.of(sockets), Map.of(4242, ODD));
    }

    @Test
    void appendingTwiceWritesOneHeaderAndTheResultParsesWithCommonsCsv() throws IOException {
        Path file = dir.resolve("connections.csv");
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String port = Integer.toString(server.getLocalPort());
            assertEquals(0, run(new CommandLine(new Main()), "connections", "--log=" + file, "--port=" + port), err.toString());
            assertEquals(0, run(new CommandLine(new Main()), "connections", "--log=" + file, "--port=" + port), err.toString());
            assertTrue(out.toString().contains("127.0.0.1:" + port), out.toString());
            List<String> lines = Files.readAllLines(file);
            assertEquals(HEADER, lines.get(0));
            assertEquals(3, lines.size(), lines.toString());
            List<CSVRecord> records = parse(file);
            assertEquals(List.of(HEADER.split(",")), records.get(0).toList());
            for (CSVRecord r : records.subList(1, 3)) {
                assertEquals(List.of("TCP", "127.0.0.1", port, "LISTEN", "java", Long.toString(ProcessHandle.current().pid())),
                        List.of(r.get(1), r.get(2), r.get(3), r.get(6), r.get(7), r.get(8)));
                Instant.parse(r.get(0)); // ISO-8601
            }
        }
    }

    @Test
    void fieldsWithCommasAndQuotesAreQuotedAndReadBackWhole() throws IOException {
        Path file = dir.resolve("odd.csv");
        ConnectionsCommand command = new ConnectionsCommand();
        command.source = new FakeSource(snapshot("2026-11-22T10:00:00Z",
                socket("2001:db8::5", 443, "2001:db8::9", 50000, SocketState.ESTABLISHED)));
        assertEquals(0, run(new CommandLine(command), "--log=" + file), err.toString());
        assertEquals(HEADER + "\n2026-11-22T10:00:00.000Z,TCP,2001:db8::5,443,2001:db8::9,50000,ESTABLISHED,"
                + "\"web,server \"\"beta\"\"\",4242\n", Files.readString(file));
        CSVRecord row = parse(file).get(1);
        assertEquals("web,server \"beta\"", row.get(7));
        assertEquals(9, row.size());
    }

    @Test
    void watchPrintsEachChangeAndAppendsTheSocketsOnlyWhenTheyChange() throws IOException {
        Path file = dir.resolve("watch.csv");
        SocketEntry listener = socket("0.0.0.0", 8080, "0.0.0.0", 0, SocketState.LISTEN);
        SocketEntry conn = socket("10.0.0.5", 8080, "10.0.0.9", 50000, SocketState.ESTABLISHED);
        ConnectionsCommand command = new ConnectionsCommand();
        command.source = new FakeSource(snapshot("2026-11-22T10:00:00Z", listener),
                snapshot("2026-11-22T10:00:01Z", listener), snapshot("2026-11-22T10:00:02Z", listener, conn));
        command.watchScans = 2;
        assertEquals(0, run(new CommandLine(command), "--log=" + file, "--watch=1", "--port=8080"), err.toString());
        assertTrue(out.toString().endsWith("2026-11-22T10:00:02.000Z open tcp 10.0.0.5:8080 -> 10.0.0.9:50000 ESTABLISHED"
                + " pid 4242 web,server \"beta\" (svc)\n"), out.toString());
        assertEquals("watching every 1 s; Ctrl-C stops\n", err.toString());
        List<CSVRecord> records = parse(file);
        List<String> times = new ArrayList<>();
        records.subList(1, records.size()).forEach(r -> times.add(r.get(0) + " " + r.get(3) + " " + r.get(6)));
        assertEquals(List.of("2026-11-22T10:00:00.000Z 8080 LISTEN", "2026-11-22T10:00:02.000Z 8080 LISTEN",
                "2026-11-22T10:00:02.000Z 8080 ESTABLISHED"), times);
    }

    @Test
    void aFileWithAnotherHeaderIsNotAppendedTo() throws IOException {
        Path file = Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");
        ConnectionsCommand command = new ConnectionsCommand();
        command.source = new FakeSource(snapshot("2026-11-22T10:00:00Z"));
        assertEquals(3, run(new CommandLine(command), "--log=" + file));
        assertEquals("cannot write " + file + ": " + file + ": not a Log-Connections CSV: its header is a,b, expecting "
                + HEADER + "\n", err.toString());
        assertEquals("a,b\n1,2\n", Files.readString(file));
    }

    @Test
    void aPowerShellExportWithTypeLineAndQuotedHeaderIsAppendedTo() throws IOException {
        Path file = Files.writeString(dir.resolve("ps.csv"), "\uFEFF#TYPE System.Management.Automation.PSCustomObject\r\n"
                + "\"TimeStamp\",\"Protocol\",\"LocalAddress\",\"LocalPort\",\"RemoteAddress\",\"RemotePort\",\"State\","
                + "\"ProcessName\",\"PID\"\r\n\"1/2/2024 10:00:00 AM\",\"TCP\",\"0.0.0.0\",\"80\",\"0.0.0.0\",\"0\",\"LISTENING\",\"System\",\"4\"");
        ConnectionsCommand command = new ConnectionsCommand();
        command.source = new FakeSource(snapshot("2026-11-22T10:00:00Z", socket("0.0.0.0", 80, "0.0.0.0", 0,
                SocketState.LISTEN)));
        assertEquals(0, run(new CommandLine(command), "--log=" + file), err.toString());
        assertTrue(ConnectionsLog.isHeader(List.of(HEADER.split(","))));
        assertTrue(Files.readString(file).endsWith("\"System\",\"4\"\n2026-11-22T10:00:00.000Z,TCP,0.0.0.0,80,0.0.0.0,0,LISTEN,"
                + "\"web,server \"\"beta\"\"\",4242\n"), Files.readString(file));
    }

    @Test
    void aLogInAMissingDirectoryIsAClearErrorNotAStackTrace() {
        Path file = dir.resolve("no-such-dir").resolve("c.csv");
        ConnectionsCommand command = new ConnectionsCommand();
        command.source = new FakeSource(snapshot("2026-11-22T10:00:00Z"));
        assertEquals(3, run(new CommandLine(command), "--log=" + file));
        assertEquals("cannot write " + file + ": NoSuchFileException " + file + "\n", err.toString());
    }

    @Test
    void watchIntervalOutOfRangeIsRefused() {
        ConnectionsCommand command = new ConnectionsCommand();
        command.source = new FakeSource(snapshot("2026-11-22T10:00:00Z"));
        assertEquals(2, run(new CommandLine(command), "--watch=0"));
        assertEquals("--watch: expecting 1-86400 seconds (found 0)\n", err.toString());
    }
}
