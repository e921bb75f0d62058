package io.portwatch.cli;

import io.portwatch.scan.linux.NetnsFixture;
import io.portwatch.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection quality on a real kernel: the daemon ({@code run}, reading netlink) runs in a test namespace with a
 * client that keeps writing to a server in a second namespace, joined by a veth pair. The link is set down (the
 * socket stays ESTABLISHED, nothing is acknowledged: {@code stalled}), a {@code tbf} qdisc with a low rate queues
 * the client's data ({@code slow}), one with a tiny limit drops it ({@code retransmitting}); each turns the row
 * YELLOW and back to GREEN when the path is healed, as the daemon's health lines say. {@link NetnsFixture} removes
 * the namespaces and stops every process it started.
 */
@Tag("netns") @Tag("root")
class ConnectionQualityIT {

    /** A verdict within a few intervals on a busy machine: the bound of one wait, not a time window. */
    private static final Duration VERDICT = Duration.ofSeconds(60);
    private static final String CLIENT = "198.18.0.1";
    private static final String SERVER = "198.18.0.2";
    private static final int METRICS_PORT = 9400;

    @TempDir
    Path dir;
    private final NetnsFixture fixture = new NetnsFixture();
    private Process daemon;

    @AfterEach
    void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.destroy();
                if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            }
        } finally {
            fixture.close();
        }
    }

    /** The namespaces, the server, a writing client and the daemon watching row {@code db} with these columns. */
    private record World(String client, String server, String clientLink, String serverLink, int port, Path log) {
    }

    private World world(String columns, String values, int bytes, int millis) throws Exception {
        String a = fixture.namespace();
        String b = fixture.namespace();
        String[] links = fixture.veth(a, CLIENT, b, SERVER);
        int port = fixture.drain(b, SERVER, 0).port();
        fixture.writer(a, SERVER, port, bytes, millis);
        Path defs = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"), "ipProtocol,localIP,localPort,procName,comment\n");
        Files.writeString(defs.resolve("monitoredTcpConnects.csv"), "id,remoteIP,remotePort,procName" + columns + "\n"
                + "db," + SERVER + "," + port + ",python3" + values + "\n");
        Path log = dir.resolve("daemon.log");
        daemon = new ProcessBuilder("ip", "netns", "exec", a, JarProcess.java(), "-jar", JarProcess.jar().toString(),
                "run", "--definitions=" + defs, "--interval=1", "--namespaces=own", "--jolokia.enabled=false",
                "--prometheus.port=" + METRICS_PORT).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitLine(log, "portwatch: first scan: 1 GREEN, 0 YELLOW, 0 RED");
        assertTrue(read(log).contains("sockets from netlink"), read(log));
        return new World(a, b, links[0], links[1], port, log);
    }

    @Test
    void aPeerThatStopsAcknowledgingTurnsTheRowYellowStalledWhileTheSocketStaysEstablished() throws Exception {
        World w = world(",stallSeconds", ",3", 100, 200);
        fixture.command("ip", "-n", w.server(), "link", "set", w.serverLink(), "down");
        String line = awaitLine(w.log(), "portwatch: db GREEN -> YELLOW: stalled: ");
        assertTrue(line.contains("without an acknowledgement from " + SERVER + ":" + w.port()), line);
        assertTrue(line.contains("segments unacknowledged (stallSeconds 3)"), line);
        String ss = output("ip", "netns", "exec", w.client(), "ss", "-tnH", "state", "established", "dst", SERVER);
        assertTrue(ss.contains(SERVER + ":" + w.port()), "still ESTABLISHED in ss: " + ss);
        fixture.command("ip", "-n", w.server(), "link", "set", w.serverLink(), "up");
        awaitLine(w.log(), "portwatch: db YELLOW -> GREEN");
    }

    @Test
    void aQueueOnTheWayRaisesTheRttAboveMaxRttMsAndTheRowIsYellowSlow() throws Exception {
        World w = world(",maxRttMs", ",300", 8192, 10);
        String line = yellowWhileQueued(w, "slow", "rate", "256kbit", "burst", "4kb", "latency", "3s");
        assertTrue(line.contains("above maxRttMs 300"), line);
    }

    @Test
    void dropsOnTheWayTurnTheRowYellowRetransmittingAndTheCounterIsWhatSsCounts() throws Exception {
        World w = world(",maxRetransPercent", ",5", 8192, 10);
        String line = yellowWhileQueued(w, "retransmitting", "rate", "4mbit", "burst", "3kb", "limit", "3kb");
        assertTrue(line.contains("maxRetransPercent 5"), line);
        // the path is clean again: the kernel's count stays put, and the published counter reaches it
        String[] last = {""};
        Poll.until(VERDICT, () -> last[0], () -> {
            long ss = ssRetransmissions(w);
            long metric = metric(w, "portwatch_connection_retransmitted_segments_total{id=\"db\"}");
            last[0] = "ss -ti counts " + ss + " retransmitted segments, the metric " + metric;
            return ss > 0 && metric == ss;
        });
    }

    /**
     * Puts a {@code tbf} qdisc with {@code tbf} parameters on the client's link: the row turns YELLOW with
     * {@code reason}; removed, GREEN again. Returns the YELLOW line.
     */
    private String yellowWhileQueued(World w, String reason, String... tbf) throws Exception {
        List<String> add = new java.util.ArrayList<>(List.of("tc", "-n", w.client(), "qdisc", "add", "dev",
                w.clientLink(), "root", "tbf"));
        add.addAll(List.of(tbf));
        fixture.command(add.toArray(new String[0]));
        String line = awaitLine(w.log(), "portwatch: db GREEN -> YELLOW: " + reason + ": ");
        fixture.command("tc", "-n", w.client(), "qdisc", "del", "dev", w.clientLink(), "root");
        awaitLine(w.log(), "portwatch: db YELLOW -> GREEN");
        return line;
    }

    /** The total {@code retrans:N/TOTAL} of the client's socket as {@code ss -ti} prints it. */
    private long ssRetransmissions(World w) throws Exception {
        String ss = output("ip", "netns", "exec", w.client(), "ss", "-tinH", "state", "established", "dst", SERVER);
        Matcher m = Pattern.compile("retrans:\\d+/(\\d+)").matcher(ss);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** One sample of the daemon's /metrics, read from inside its namespace. */
    private long metric(World w, String series) throws Exception {
        String metrics = output("ip", "netns", "exec", w.client(), "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:" + METRICS_PORT
                        + "/metrics', timeout=10).read().decode())");
        for (String l : metrics.lines().toList()) {
            if (l.startsWith(series + " ")) {
                return (long) Double.parseDouble(l.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), List.of(command).toString());
        assertEquals(0, p.exitValue(), List.of(command) + ": " + out);
        return out;
    }

    private static String awaitLine(Path log, String text) throws Exception {
        return Poll.value(VERDICT, () -> "no line with \"" + text + "\":\n" + read(log),
                () -> read(log).lines().filter(l -> l.contains(text)).findFirst().orElse(null));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException notYet) {
            return "";
        }
    }
}
