package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code check} as a Nagios plugin, run as a separate process on the built jar: exit 0 when all
 * rows are GREEN, 1 when the worst is YELLOW, 2 when any is RED, 3 when it cannot run.
 */
class CheckExitCodeIT {

    private static Path definitions(Path dir, String listeningRows) throws IOException {
        Files.writeString(dir.resolve("monitoredListeningPorts.csv"),
                "ipProtocol,localIP,localPort,procName,comment\n" + listeningRows);
        return dir;
    }

    @Test
    void allGreenExitsZeroWithANagiosStatusLine(@TempDir Path dir) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            definitions(dir, "tcp,127.0.0.1," + server.getLocalPort() + ",java,this test's listener\n");
            JarProcess.Result r = JarProcess.run("check", "--definitions=" + dir);
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().startsWith("PORTWATCH OK - 0 RED, 0 YELLOW, 1 GREEN | green=1 yellow=0 red=0 sockets="),
                    r.output());
            assertTrue(r.output().contains("owned by java (pid " + ProcessHandle.current().pid() + ")"), r.output());
        }
    }

    @Test
    void worstYellowExitsOne(@TempDir Path dir) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            definitions(dir, "tcp,127.0.0.1," + server.getLocalPort() + ",nginx,owned by java instead\n");
            JarProcess.Result r = JarProcess.run("check", "--definitions=" + dir);
            assertEquals(1, r.exitCode(), r.output());
            assertTrue(r.output().startsWith("PORTWATCH WARNING - 0 RED, 1 YELLOW, 0 GREEN: "), r.output());
        }
    }

    @Test
    void anyRedExitsTwo(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
        }
        definitions(dir, "tcp,127.0.0.1," + port + ",java,closed\n");
        JarProcess.Result r = JarProcess.run("check", "--definitions=" + dir, "--format=json");
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("\"worst\": \"RED\""), r.output());
        assertTrue(r.output().contains("\"reason\": \"nothing listens on tcp/" + port + "\""), r.output());
    }

    @Test
    void brokenDefinitionsOrSettingsExitThree(@TempDir Path dir) throws Exception {
        definitions(dir, "tcp,,80a,java,bad port\n");
        JarProcess.Result r = JarProcess.run("check", "--definitions=" + dir);
        assertEquals(3, r.exitCode(), r.output());
        assertTrue(r.output().contains("monitoredListeningPorts.csv:2: localPort: expecting 1-65535 (found \"80a\")"),
                r.output());
        JarProcess.Result bad = JarProcess.run("check", "--intervall=5");
        assertEquals(3, bad.exitCode(), bad.output());
        assertTrue(bad.output().contains("unknown setting --intervall"), bad.output());
    }

    @Test
    void validateExitsZeroOrTwoAndVersionAndHelpWork(@TempDir Path dir) throws Exception {
        assertEquals(0, JarProcess.run("validate", "--definitions=config").exitCode());
        definitions(dir, "icmp,,80,java,x\n");
        JarProcess.Result r = JarProcess.run("validate", "--definitions=" + dir);
        assertEquals(2, r.exitCode(), r.output());
        assertTrue(r.output().contains("monitoredListeningPorts.csv:2: ipProtocol: expecting tcp or udp (found \"icmp\")"),
                r.output());
        JarProcess.Result version = JarProcess.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.output().startsWith("portwatch "), version.output());
        for (String command : new String[] {"check", "connections", "validate"}) {
            JarProcess.Result help = JarProcess.run(command, "--help");
            assertEquals(0, help.exitCode(), help.output());
            assertTrue(help.output().startsWith("Usage: portwatch " + command), help.output());
        }
    }
}
