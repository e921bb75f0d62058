package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.linux.NetnsFixture;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code connections} and {@code check} with sockets in network namespaces this test creates (root;
 * {@link NetnsFixture} removes them and their processes after each test).
 */
@EnabledOnOs(OS.LINUX)
@Tag("netns") @Tag("root")
class NamespacesCliTest {

    private final NetnsFixture fixture = new NetnsFixture();

    @TempDir
    Path definitions;

    private record Run(int exitCode, String out, String err) {
    }

    @AfterEach
    void removeNamespacesAndProcesses() throws Exception {
        fixture.close();
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void connectionsListsTheSocketWithItsNamespaceName() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);
        int port = child.port();

        Run r = run("connections", "--port=" + port);
        Run only = run("connections", "--port=" + port, "--netns=pwt-*");
        Run own = run("connections", "--port=" + port, "--netns=");
        Run ownSetting = run("connections", "--port=" + port, "--namespaces=own");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().lines().findFirst().orElse("").matches("PROTO\\s.*\\sUSER\\s+NETNS"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("tcp\\s+\\S+\\s+\\S+\\s+127\\.0\\.0\\.1:" + port + "\\s+0\\.0\\.0\\.0:0\\s+LISTEN\\s+"
                + child.pid() + "\\s+python3\\S*\\s+\\S+\\s+" + ns)), r.out());
        assertTrue(only.out().contains(" " + ns), only.out());
        assertTrue(own.out().lines().noneMatch(l -> l.contains(Long.toString(child.pid()))), own.out());
        assertEquals(0, ownSetting.exitCode(), ownSetting.err());
        assertTrue(ownSetting.out().lines().noneMatch(l -> l.contains(Long.toString(child.pid()))), ownSetting.out());
    }

    @Test
    void checkShowsTheMatchedNamespace() throws Exception {
        String ns = fixture.namespace();
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);
        Files.writeString(definitions.resolve("monitoredListeningPorts.csv"),
                "ipProtocol,localIP,localPort,procName,comment,netns\ntcp,,"
                        + child.port() + ",python3*,in the test namespace," + ns + "\n");

        Run r = run("check", "--definitions=" + definitions);
        Run json = run("check", "--definitions=" + definitions, "--format=json");

        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("(pid " + child.pid() + ") (netns " + ns + ")"), r.out());
        assertTrue(json.out().matches("(?s).*\"netns\":\\s*\"" + ns + "\".*"), json.out());
    }
}
