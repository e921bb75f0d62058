package io.portwatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README quick start's first command, as written there, on the example definitions in {@code config/}: its
 * first scan shows the rows watching portwatch's own endpoints GREEN and the NetstatWatcher article's examples RED,
 * and {@code check} run beside it prints the same. It runs in a network namespace of its own ({@code unshare -n}, as
 * root: CI runs as root), so the endpoints' ports are free and the examples' host name is looked up nowhere.
 * The output the README shows is the output it gives: its first-scan line and {@code check}'s status line (up to the
 * perfdata, whose socket count and scan time are this machine's). (The second command is {@code bin/test}: CI runs
 * it.)
 */
class QuickStartIT {

    private static final String BUILD = "mvn -q -B -DskipTests package && ";

    @TempDir
    Path dir;

    @Test
    void firstCommandShowsGreenAndRedRows() throws Exception {
        String command = firstCommand();
        assertTrue(command.startsWith("java -jar target/portwatch.jar run"), command);
        Path script = Files.writeString(dir.resolve("quick-start.sh"), String.join("\n",
                "set -eu",
                "ip link set lo up",
                command + " > \"$DIR/run.log\" 2>&1 &",
                "run=$!",
                "trap 'kill $run 2>/dev/null || true' EXIT",
                "for i in $(seq 300); do grep -q 'first scan:' \"$DIR/run.log\" && break; sleep 0.1; done",
                "set +e",
                "java -jar target/portwatch.jar check",
                "echo \"check-exit=$?\"",
                "echo '--- run.log'",
                "cat \"$DIR/run.log\"",
                ""));
        String output = PrivateNetwork.run(script, Map.of("DIR", dir.toString(),
                "PATH", Path.of(JarProcess.java()).getParent() + ":" + System.getenv("PATH")), 90).output();
        assertTrue(output.contains("portwatch: first scan: 2 GREEN, 0 YELLOW, 6 RED (RED: udp-127.0.0.1-49740-dfsrs,"),
                output);
        assertTrue(output.contains("GREEN: tcp-127.0.0.1-9798-java, tcp-127.0.0.1-8778-java)"), output);
        assertTrue(output.contains("PORTWATCH CRITICAL - 6 RED, 0 YELLOW, 2 GREEN"), output);
        assertTrue(output.matches("(?s).*listening +tcp-127\\.0\\.0\\.1-9798-java +GREEN +java/\\d+ .*"), output);
        assertTrue(output.contains("check-exit=2"), output);
        String firstScan = shownLine("INFO portwatch: first scan: ");
        assertTrue(output.contains(firstScan.substring(firstScan.indexOf("portwatch: first scan: "))),
                () -> "README.md shows " + firstScan + "\n" + output);
        String status = shownLine("PORTWATCH ");
        assertTrue(output.contains(status.substring(0, status.indexOf(" | "))), () -> "README.md shows " + status
                + "\n" + output);
    }

    /** The line of the README's quick start that contains {@code text}. */
    private static String shownLine(String text) throws Exception {
        List<String> lines = quickStart();
        return lines.stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with \"" + text + "\" in the quick start of README.md"));
    }

    /** The lines of the README's {@code ## Quick start} section. */
    private static List<String> quickStart() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("basedir", "."), "README.md"));
        int start = lines.indexOf("## Quick start");
        if (start < 0) {
            throw new AssertionError("no ## Quick start in README.md");
        }
        int end = start + 1;
        while (end < lines.size() && !lines.get(end).startsWith("## ")) {
            end++;
        }
        return lines.subList(start, end);
    }

    /** The quick start's first command after the build, from the README's first {@code sh} block. */
    private static String firstCommand() throws Exception {
        for (String line : quickStart()) {
            if (line.startsWith(BUILD)) {
                return line.substring(BUILD.length()).strip();
            }
        }
        throw new AssertionError("no line starting with \"" + BUILD + "\" after ## Quick start in README.md");
    }
}
