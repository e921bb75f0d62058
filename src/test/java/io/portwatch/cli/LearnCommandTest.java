package io.portwatch.cli;

import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.DefinitionsLoader;
import io.portwatch.config.ListeningRow;
import io.portwatch.learn.EphemeralPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code learn} on this host's real sockets, run in this JVM; {@code LearnThenCheckIT} runs it in its own namespace. */
class LearnCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void learnsATestListenerAndItsConnectionAndCheckFindsThemGreen() throws Exception {
        try (ServerSocket server = listenOutsideTheEphemeralRange();
             Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            int port = server.getLocalPort();
            assertTrue(accepted.isConnected());
            assertEquals(0, run("learn", "--out=" + dir, "--include-loopback", "--connections",
                    "--prometheus.enabled=false", "--jolokia.enabled=false"), err.toString());
            assertTrue(out.toString().contains("tcp 127.0.0.1:" + port + " java"), out.toString());

            DefinitionsLoadResult loaded = DefinitionsLoader.load(dir);
            assertTrue(loaded.ok(), () -> String.join("\n", loaded.problemLines()));
            assertEquals(List.of(), loaded.warningLines());
            String listenId = "tcp-127.0.0.1-" + port + "-java";
            ListeningRow row = loaded.definitions().listening().stream().filter(r -> r.id().equals(listenId))
                    .findFirst().orElseThrow(() -> new AssertionError(listenId + " not learned: " + out));
            assertTrue(row.comment().startsWith("learned 20"), row.comment());
            String connectionId = "127.0.0.1-" + port + "-java";
            assertTrue(loaded.definitions().connections().stream().anyMatch(c -> c.id().equals(connectionId)
                            && c.minCount() == 1), () -> connectionId + " not learned: " + out);
            assertFalse(loaded.definitions().connections().stream().anyMatch(c -> c.remotePort().low() == client.getLocalPort()),
                    "the inbound side (remote port = the client's ephemeral port) is not learned");
            String text = Files.readString(dir.resolve(DefinitionsLoader.LISTENING_FILE));
            assertTrue(text.startsWith("# portwatch: ports that must be listening"), text);

            out.getBuffer().setLength(0);
            run("check", "--definitions=" + dir, "--format=json");
            String json = out.toString();
            assertTrue(json.contains("\"id\": \"" + listenId + "\",\n      \"health\": \"GREEN\""), json);
            assertTrue(json.contains("\"id\": \"" + connectionId + "\",\n      \"health\": \"GREEN\""), json);
        }
    }

    @Test
    void loopbackAndEphemeralListenersAreLeftOutUnlessAsked() throws Exception {
        try (ServerSocket fixed = listenOutsideTheEphemeralRange();
             ServerSocket ephemeral = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertEquals(0, run("learn", "--out=" + dir), err.toString());

            String text = Files.readString(dir.resolve(DefinitionsLoader.LISTENING_FILE));
            assertFalse(text.contains("127.0.0.1," + fixed.getLocalPort() + ","), text);
            assertFalse(text.contains("," + ephemeral.getLocalPort() + ","), text);
            assertTrue(out.toString().contains("(give --connections to learn them)"), out.toString());
        }
    }

    @Test
    void existingFilesAreNotReplacedWithoutForce() throws Exception {
        Path listening = Files.writeString(dir.resolve(DefinitionsLoader.LISTENING_FILE), "mine\n");

        assertEquals(2, run("learn", "--out=" + dir));
        assertTrue(err.toString().contains(listening + " exists; give --force to replace it"), err.toString());
        assertEquals("mine\n", Files.readString(listening));
        assertFalse(Files.exists(dir.resolve(DefinitionsLoader.CONNECTIONS_FILE)), "nothing written");

        assertEquals(0, run("learn", "--out=" + dir, "--force"), err.toString());
        assertTrue(Files.readString(listening).startsWith("# portwatch:"));
    }

    @Test
    void aSymbolicLinkInPlaceOfAFileIsNotFollowed() throws Exception {
        Path target = Files.writeString(dir.resolve("elsewhere.txt"), "keep\n");
        Path out = Files.createDirectories(dir.resolve("defs"));
        Files.createSymbolicLink(out.resolve(DefinitionsLoader.CONNECTIONS_FILE), target);

        assertEquals(2, run("learn", "--out=" + out));
        assertEquals("keep\n", Files.readString(target));
    }

    @Test
    void theClosingHintNamesPortwatchJarWhenNotRunFromAJar() throws Exception {
        assertEquals(0, run("learn", "--out=" + dir, "--prometheus.enabled=false", "--jolokia.enabled=false"),
                err.toString());
        assertTrue(out.toString().contains("edit them, then: java -jar portwatch.jar check --definitions=" + dir),
                out.toString());
    }

    @Test
    void theJarIsNamedAsRunFromBelowTheCurrentDirectoryElseAbsolute() throws Exception {
        Path jar = Files.createFile(Files.createDirectories(dir.resolve("target")).resolve("portwatch.jar"));
        assertEquals("java -jar target/portwatch.jar", JarCommand.of(jar.toUri().toURL(), dir));
        assertEquals("java -jar " + jar, JarCommand.of(jar.toUri().toURL(), dir.resolve("elsewhere")));
        Path spaced = Files.createFile(dir.resolve("my tools.jar"));
        assertEquals("java -jar 'my tools.jar'", JarCommand.of(spaced.toUri().toURL(), dir));
        assertEquals("java -jar portwatch.jar", JarCommand.of(dir.toUri().toURL(), dir), "classes in a directory");
        assertEquals("java -jar portwatch.jar", JarCommand.of(null, dir));
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    /** A loopback listener on a port the OS does not hand out to clients (learn skips those). */
    static ServerSocket listenOutsideTheEphemeralRange() throws IOException {
        var ephemeral = EphemeralPorts.ofThisHost();
        for (int port = 20000; port < 32000; port += 37) {
            if (ephemeral.contains(port)) {
                continue;
            }
            ServerSocket s = new ServerSocket();
            try {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return s;
            } catch (IOException taken) {
                s.close();
            }
        }
        throw new IOException("no free port outside the ephemeral range " + ephemeral);
    }
}
