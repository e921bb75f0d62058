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
 * (The second command is {@code bin/test}: CI runs it.)
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
    }

    /** The quick start's first command after the build, from the README's first {@code sh} block. */
    private static String firstCommand() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("basedir", "."), "README.md"));
        int start = lines.indexOf("## Quick start");
        for (String line : lines.subList(start, lines.size())) {
            if (line.startsWith(BUILD)) {
                return line.substring(BUILD.length()).strip();
            }
        }
        throw new AssertionError("no line starting with \"" + BUILD + "\" after ## Quick start in README.md");
    }
}
