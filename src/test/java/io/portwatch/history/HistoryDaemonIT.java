package io.portwatch.history;

import io.portwatch.testing.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The activity log of the real daemon ({@code java -jar portwatch.jar run --history.dir=...}, a child
 * process scanning every second): the loopback connection this test opens and closes shows up as
 * exactly its events, owned by this JVM, and the process file describes this JVM with its modules.
 */
class HistoryDaemonIT {

    private static final String PID = Long.toString(ProcessHandle.current().pid());

    @TempDir
    Path dir;

    @Test
    void daemonLogsTheConnectionsThisTestOpensAndCloses() throws Exception {
        Path history = Files.createDirectories(dir.resolve("history"));
        Path defs = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"), "ipProtocol,localIP,localPort,procName,comment\n");
        Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Path.of(System.getProperty("portwatch.jar", "target/portwatch.jar")).toString(), "run",
                "--definitions=" + defs, "--interval=1", "--history.dir=" + history, "--prometheus.enabled=false",
                "--jolokia.enabled=false").redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile()).start();
        try {
            await(() -> Files.exists(history.resolve(HistoryFiles.SNAPSHOT + HistoryFiles.EXTENSION)), "the first scan");
            int port;
            int clientPort;
            try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 Socket accepted = server.accept()) {
                port = server.getLocalPort();
                clientPort = client.getLocalPort();
                int p = port;
                await(() -> events(history, p, clientPort).size() >= 3, "the open events");
                accepted.setSoLinger(true, 0); // close with a reset: no TIME_WAIT left behind
                client.setSoLinger(true, 0);
            }
            int p = port;
            await(() -> events(history, p, clientPort).size() >= 6, "the close events");
            // two more scans, told by a marker listener appearing and then going: nothing else of ours may follow
            int marker;
            try (ServerSocket m = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                marker = m.getLocalPort();
                await(() -> events(history, marker, -1).size() >= 1, "the marker's listen event");
            }
            await(() -> events(history, marker, -1).size() >= 2, "the marker's unlisten event");

            List<String> described = new ArrayList<>();
            for (CSVRecord r : events(history, port, clientPort)) {
                described.add(r.get(1) + " " + r.get(3) + ":" + r.get(4) + " -> "
                        + (r.get(6).equals("0") ? "*" : r.get(5) + ":" + r.get(6)) + " " + r.get(7));
                assertEquals(List.of(PID, "java", System.getProperty("user.name")), Arrays.asList(r.get(9), r.get(10),
                        r.get(11)), r.toString());
            }
            described.sort(null);
            List<String> expected = new ArrayList<>(List.of(
                    "listen 127.0.0.1:" + port + " -> * LISTEN",
                    "open 127.0.0.1:" + port + " -> 127.0.0.1:" + clientPort + " ESTABLISHED",
                    "open 127.0.0.1:" + clientPort + " -> 127.0.0.1:" + port + " ESTABLISHED",
                    "unlisten 127.0.0.1:" + port + " -> * LISTEN",
                    "close 127.0.0.1:" + port + " -> 127.0.0.1:" + clientPort + " ESTABLISHED",
                    "close 127.0.0.1:" + clientPort + " -> 127.0.0.1:" + port + " ESTABLISHED"));
            expected.sort(null);
            assertEquals(expected, described);

            List<CSVRecord> jvm = CsvFiles.allRows(history, HistoryFiles.PROCESSES, HistoryFiles.PROCESS_COLUMNS).stream()
                    .filter(r -> r.get(1).equals(PID)).collect(Collectors.toList());
            assertEquals(1, jvm.size(), "this JVM is described once: " + jvm);
            List<String> modules = Arrays.asList(jvm.get(0).get(7).split(HistoryFiles.MODULE_SEPARATOR));
            assertTrue(modules.stream().anyMatch(m -> m.endsWith("/libjvm.so")), "libjvm.so in " + modules);
        } finally {
            daemon.destroy();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    /** This test's TCP sockets in the events file, by address and port (other processes may reuse the numbers). */
    private static List<CSVRecord> events(Path history, int port, int clientPort) {
        try {
            return CsvFiles.allRows(history, HistoryFiles.EVENTS, HistoryFiles.EVENT_COLUMNS).stream()
                    .filter(r -> r.get(2).equals("tcp") && (r.get(3) + ":" + r.get(4)).equals("127.0.0.1:" + port)
                            || (r.get(3) + ":" + r.get(4)).equals("127.0.0.1:" + clientPort)
                            && (r.get(5) + ":" + r.get(6)).equals("127.0.0.1:" + port))
                    .collect(Collectors.toList());
        } catch (IOException | AssertionError e) {
            return List.of(); // not written yet, or caught between the file's creation and its header
        }
    }

    private void await(java.util.function.BooleanSupplier condition, String what) throws Exception {
        Poll.until(Duration.ofSeconds(30), () -> "daemon never wrote " + what + "; its log:\n" + daemonLog(),
                condition::getAsBoolean);
    }

    private String daemonLog() {
        try {
            return Files.readString(dir.resolve("daemon.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
