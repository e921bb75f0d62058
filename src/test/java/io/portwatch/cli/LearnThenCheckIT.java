package io.portwatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code learn} then {@code check} on the built jar, in a network namespace of its own ({@code unshare -n}, as root:
 * CI runs as root) where the only sockets are those of a child that listens and holds a connection: every learned
 * row is there, so {@code check} is all GREEN and exits 0. The namespace goes away with its last process.
 */
class LearnThenCheckIT {

    @TempDir
    Path dir;

    @Test
    void checkRightAfterLearnIsAllGreen() throws Exception {
        Path script = Files.writeString(dir.resolve("learn-then-check.sh"), String.join("\n",
                "set -eu",
                "ip link set lo up",
                "\"$JAVA\" -Djava.net.preferIPv4Stack=true -cp \"$CLASSES\" io.portwatch.cli.HoldSockets 20001 > \"$DIR/hold.out\" &",
                "hold=$!",
                "trap 'kill $hold 2>/dev/null || true' EXIT",
                "for i in $(seq 300); do grep -q READY \"$DIR/hold.out\" && break; sleep 0.1; done",
                "grep -q READY \"$DIR/hold.out\"",
                "\"$JAVA\" -jar \"$JAR\" learn --out=\"$DIR/defs\" --connections --include-loopback",
                "set +e",
                "\"$JAVA\" -jar \"$JAR\" check --definitions=\"$DIR/defs\"",
                "echo \"check-exit=$?\"",
                ""));
        String output = PrivateNetwork.run(script, Map.of("JAVA", JarProcess.java(),
                "JAR", JarProcess.jar().toAbsolutePath().toString(),
                "CLASSES", Path.of("target", "test-classes").toAbsolutePath().toString(),
                "DIR", dir.toString()), 90).output();
        assertTrue(output.contains("wrote 1 listening row(s)"), output);
        assertTrue(output.contains("tcp 0.0.0.0:20001 java"), output);
        assertTrue(output.contains("wrote 1 connection row(s)"), output);
        assertTrue(output.contains("127.0.0.1:20001 java"), output);
        assertTrue(output.contains("PORTWATCH OK - 0 RED, 0 YELLOW, 2 GREEN"), output);
        assertTrue(output.contains("check-exit=0"), output);
    }
}
