package io.portwatch.cli;

import io.portwatch.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon ({@code java -jar portwatch.jar run}, a child process) logs a row's health change once: closing a
 * listener its definitions watch gives one {@code GREEN -> RED} line naming the row, reopening it one
 * {@code RED -> GREEN}; the first scan gives one summary line.
 */
class HealthChangeLogIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void closingAndReopeningAWatchedListenerLogsOneLineEach() throws Exception {
        ServerSocket listener = listen(0);
        int port = listener.getLocalPort();
        Path defs = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"),
                "ipProtocol,localIP,localPort,procName,comment,id\ntcp,127.0.0.1," + port + ",,the test's listener,watched\n");
        Path log = dir.resolve("daemon.log");
        Process daemon = new ProcessBuilder(JarProcess.java(), "-jar", JarProcess.jar().toString(), "run",
                "--definitions=" + defs, "--interval=1", "--prometheus.enabled=false", "--jolokia.enabled=false")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            awaitLine(log, "portwatch: first scan: 1 GREEN, 0 YELLOW, 0 RED");
            listener.close();
            awaitLine(log, "portwatch: watched GREEN -> RED: nothing listens on tcp/" + port);
            listener = listen(port);
            awaitLine(log, "portwatch: watched RED -> GREEN: tcp/" + port + " listening on 127.0.0.1");

            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertEquals(1, count(lines, "first scan:"), () -> String.join("\n", lines));
            assertEquals(1, count(lines, "watched GREEN -> RED"), () -> String.join("\n", lines));
            assertEquals(1, count(lines, "watched RED -> GREEN"), () -> String.join("\n", lines));
            String red = lines.stream().filter(l -> l.contains("GREEN -> RED")).findFirst().orElseThrow();
            assertTrue(red.contains("WARNING"), red);
            String green = lines.stream().filter(l -> l.contains("RED -> GREEN")).findFirst().orElseThrow();
            assertTrue(green.contains("INFO"), green);
            assertTrue(Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}").matcher(green).find(),
                    "log times have milliseconds: " + green);
        } finally {
            listener.close();
            daemon.destroy();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    private static long count(List<String> lines, String text) {
        return lines.stream().filter(l -> l.contains(text)).count();
    }

    /** Polls the daemon's log until a line contains {@code text}; fails with the log after the deadline. */
    private static void awaitLine(Path log, String text) throws Exception {
        Poll.until(DEADLINE, () -> "no line with \"" + text + "\":\n" + read(log),
                () -> read(log).lines().anyMatch(l -> l.contains(text)));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException notYet) {
            return "";
        }
    }
}
