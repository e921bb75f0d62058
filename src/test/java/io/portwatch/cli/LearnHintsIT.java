package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code learn}'s hints on the built jar: the closing hint names the jar as it was started, and a listener whose
 * owner it cannot see says why — permissions (learn as another user: run it as root) or another PID namespace
 * (learn as root in a PID namespace of its own, {@code unshare -p}: never "run learn as root" to root). The owner
 * is this test's JVM (root), holding a loopback listener.
 */
@Tag("root")
class LearnHintsIT {

    /** How long one learn may take, JVM start included: generous for a loaded machine. */
    private static final long LEARN_WITHIN_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void asAnotherUserTheHiddenOwnerIsPermissionsAndTheHintNamesTheJarAsStarted() throws Exception {
        try (ServerSocket mine = LearnCommandTest.listenOutsideTheEphemeralRange()) {
            Path out = writableByAll(dir.resolve("dev-defs"));
            String output = learn(List.of("runuser", "-u", "dev", "--"), out);
            assertTrue(output.contains("tcp 127.0.0.1:" + mine.getLocalPort() + " (owner not visible: permissions:"
                    + " the socket is uid 0's and learn runs as uid 1001; run learn as root to name it)"), output);
            Path here = Path.of("").toAbsolutePath();
            assertTrue(output.contains("edit them, then: java -jar " + here.relativize(JarProcess.jar().toAbsolutePath())
                    + " check --definitions=" + out), "the jar as run, from this directory: " + output);
            String csv = Files.readString(out.resolve("monitoredListeningPorts.csv"), StandardCharsets.UTF_8);
            assertTrue(csv.contains("(owner not visible: permissions: the socket is uid 0's"), csv);
        }
    }

    @Test
    @Tag("netns")
    void asRootInAnotherPidNamespaceTheHiddenOwnerIsThatNamespaceNotPermissions() throws Exception {
        try (ServerSocket mine = LearnCommandTest.listenOutsideTheEphemeralRange()) {
            Path out = dir.resolve("pidns-defs");
            String output = learn(List.of("unshare", "-p", "-f", "--mount-proc"), out);
            String line = output.lines().filter(l -> l.contains("127.0.0.1:" + mine.getLocalPort())).findFirst()
                    .orElseThrow(() -> new AssertionError("not learned: " + output));
            assertEquals("  tcp 127.0.0.1:" + mine.getLocalPort() + " (owner not visible: another PID namespace: no"
                    + " process under this namespace's /proc holds the socket (a container or sandbox); run learn in"
                    + " the owner's PID namespace to name it)", line);
            assertFalse(output.contains("as root"), output);
        }
    }

    private static Path writableByAll(Path directory) throws Exception {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        return directory;
    }

    /** Runs {@code java -jar target/portwatch.jar learn} behind {@code prefix}, from this directory; its output. */
    private static String learn(List<String> prefix, Path out) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(JarProcess.java(), "-jar", JarProcess.jar().toString(), "learn", "--out=" + out,
                "--include-loopback", "--prometheus.enabled=false", "--jolokia.enabled=false"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(LEARN_WITHIN_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("learn did not finish within " + LEARN_WITHIN_SECONDS + " s: " + command);
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        return output;
    }
}
