package io.portwatch.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.agent.Monitor;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.scan.NameCache;
import io.portwatch.scan.linux.LinuxSocketSource;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The acceptance test of the activity log: the real scan loop over the real {@code /proc}, real
 * loopback sockets this JVM opens and closes, and the files read back with commons-csv.
 */
class HistoryLogMonitorTest {

    private static final String PID = Long.toString(ProcessHandle.current().pid());
    private static final String EXE = ProcessHandle.current().info().command().orElseThrow();

    @TempDir
    Path history;

    @TempDir
    Path definitions;

    /**
     * The test's own sockets, by protocol, address and port: other processes on the machine (a load
     * generator on 127.0.0.x, say) may use the same port numbers on another protocol or address.
     */
    private static boolean isMine(CSVRecord r, int port, int clientPort, int udpPort) {
        String local = r.get(3) + ":" + r.get(4);
        if (r.get(2).equals("udp")) {
            return local.equals("127.0.0.1:" + udpPort);
        }
        return local.equals("127.0.0.1:" + port) || local.equals("127.0.0.1:" + clientPort)
                && (r.get(5) + ":" + r.get(6)).equals("127.0.0.1:" + port);
    }

    @Test
    void loopbackSocketsOpenedAndClosedDuringTheScanLoopAreExactlyTheirEventsOwnedByThisJvm() throws IOException {
        Files.writeString(definitions.resolve("monitoredListeningPorts.csv"), "ipProtocol,localIP,localPort,procName,comment\n");
        Files.writeString(definitions.resolve("monitoredTcpConnects.csv"), "remoteIP,remoteName,remotePort,procName,comment\n");
        Settings settings = Settings.defaults().with(SettingKey.HISTORY_DIR, history.toString(), "test");
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int port;
        int clientPort;
        int udpPort;
        try (NameCache names = new NameCache(NameCache.SYSTEM, Duration.ofMinutes(5));
             HistoryLog log = new HistoryLog(settings);
             Monitor monitor = new Monitor(new LinuxSocketSource(), names, EvaluationOptions.forHost("test"), definitions,
                     Duration.ofSeconds(1), "test", Clock.systemUTC())) {
            monitor.addSnapshotListener(log);
            monitor.cycle(); // the baseline: the snapshot file
            try (ServerSocket server = new ServerSocket(0, 50, loopback);
                 DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                 Socket client = new Socket()) {
                port = server.getLocalPort();
                udpPort = udp.getLocalPort();
                client.connect(server.getLocalSocketAddress(), 5000);
                clientPort = client.getLocalPort();
                try (Socket accepted = server.accept()) {
                    monitor.cycle(); // sees them open
                    accepted.setSoLinger(true, 0); // close with a reset: no TIME_WAIT left behind
                    client.setSoLinger(true, 0);
                }
            }
            monitor.cycle(); // sees them gone
            assertEquals(0, log.writeFailures());
        }

        List<CSVRecord> mine = CsvFiles.allRows(history, HistoryFiles.EVENTS, HistoryFiles.EVENT_COLUMNS).stream()
                .filter(r -> isMine(r, port, clientPort, udpPort))
                .collect(Collectors.toList());
        List<String> described = new ArrayList<>();
        for (CSVRecord r : mine) {
            described.add(r.get(1) + " " + r.get(2) + " " + r.get(3) + ":" + r.get(4) + " -> "
                    + (r.get(6).equals("0") ? "*" : r.get(5) + ":" + r.get(6)) + " " + r.get(7));
            assertEquals(List.of(PID, "java", System.getProperty("user.name"), EXE), Arrays.asList(r.get(9), r.get(10),
                    r.get(11), r.get(12)), r.toString());
            assertEquals("", r.get(8), "no state events: " + r);
        }
        described.sort(null);
        List<String> expected = new ArrayList<>(List.of(
                "listen tcp 127.0.0.1:" + port + " -> * LISTEN",
                "open tcp 127.0.0.1:" + port + " -> 127.0.0.1:" + clientPort + " ESTABLISHED",
                "open tcp 127.0.0.1:" + clientPort + " -> 127.0.0.1:" + port + " ESTABLISHED",
                "listen udp 127.0.0.1:" + udpPort + " -> * UNCONN",
                "unlisten tcp 127.0.0.1:" + port + " -> * LISTEN",
                "close tcp 127.0.0.1:" + port + " -> 127.0.0.1:" + clientPort + " ESTABLISHED",
                "close tcp 127.0.0.1:" + clientPort + " -> 127.0.0.1:" + port + " ESTABLISHED",
                "unlisten udp 127.0.0.1:" + udpPort + " -> * UNCONN"));
        expected.sort(null);
        assertEquals(expected, described);

        List<CSVRecord> processes = CsvFiles.allRows(history, HistoryFiles.PROCESSES, HistoryFiles.PROCESS_COLUMNS).stream()
                .filter(r -> r.get(1).equals(PID)).collect(Collectors.toList());
        assertEquals(1, processes.size(), "this JVM is described once: " + processes);
        CSVRecord jvm = processes.get(0);
        assertEquals(List.of("java", System.getProperty("user.name"), EXE), List.of(jvm.get(2), jvm.get(3), jvm.get(5)));
        assertFalse(jvm.get(4).isEmpty(), "start time");
        assertTrue(jvm.get(6).contains("java"), jvm.get(6));
        List<String> modules = Arrays.asList(jvm.get(7).split(";"));
        assertTrue(modules.stream().anyMatch(m -> m.endsWith("/libjvm.so")), "libjvm.so in " + modules);
        assertTrue(modules.stream().anyMatch(m -> m.endsWith(".jar")), "a jar in " + modules);
        assertEquals(modules.stream().distinct().sorted().collect(Collectors.toList()), modules, "distinct and sorted");

        List<CSVRecord> snapshot = CsvFiles.allRows(history, HistoryFiles.SNAPSHOT, HistoryFiles.SNAPSHOT_COLUMNS);
        assertFalse(snapshot.isEmpty(), "the snapshot file lists the sockets at start");
        assertTrue(snapshot.stream().noneMatch(r -> r.get(3).equals(Integer.toString(port))), "the listener came later");
    }
}
