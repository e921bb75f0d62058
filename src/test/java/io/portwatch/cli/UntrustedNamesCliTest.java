package io.portwatch.cli;

import io.portwatch.scan.linux.NetnsFixture;

import org.jolokia.json.parser.JSONParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 4 (docs/design.md §5) seen from the commands: a real process named with control characters, a {@code |} or
 * invalid UTF-8 owns the socket of a definitions row, and {@code check} still prints one Nagios status line with
 * one perfdata part, a table of one line per row and valid JSON; {@code connections --log} one CSV line per socket.
 * Root and Linux ({@link NetnsFixture#renamedListener}: a copy of {@code /bin/sleep} with that name holding a
 * listening socket), killed after each test.
 */
@EnabledOnOs(OS.LINUX)
class UntrustedNamesCliTest {

    private final NetnsFixture fixture = new NetnsFixture();

    @TempDir
    Path definitions;
    @TempDir
    Path programs;

    private record Run(int exitCode, String out, String err) {
    }

    @AfterEach
    void killProcesses() throws Exception {
        fixture.close();
    }

    @Test
    void checkOfAProcessNamedWithEscapeAndNewlineIsOneStatusLineOneTableLineAndValidJson() throws Exception {
        NetnsFixture.Child child = fixture.renamedListener(programs, "sl\u001b[2Jeep\nx".getBytes(StandardCharsets.UTF_8));
        String shown = "sl\\x1b[2Jeep\\x0ax";
        expectNginxOn(child.port());

        Run table = run("check", "--definitions=" + definitions);
        Run json = run("check", "--definitions=" + definitions, "--format=json");

        assertEquals(CheckCommand.WARNING, table.exitCode(), table.out() + table.err());
        List<String> lines = table.out().lines().toList();
        assertEquals(3, lines.size(), "status line, table header, one row:\n" + table.out());
        assertTrue(lines.get(0).startsWith("PORTWATCH WARNING - 0 RED, 1 YELLOW, 0 GREEN: "), lines.get(0));
        assertTrue(lines.get(0).contains("owned by " + shown + " (pid " + child.pid() + "), expected nginx | green=0 "),
                lines.get(0));
        assertTrue(lines.get(2).contains(shown + "/" + child.pid()), lines.get(2));
        assertNoControlCharacters(table.out());

        assertEquals(CheckCommand.WARNING, json.exitCode(), json.out() + json.err());
        Map<?, ?> root = (Map<?, ?>) new JSONParser().parse(json.out());
        Map<?, ?> row = (Map<?, ?>) ((List<?>) root.get("rows")).get(0);
        Map<?, ?> matched = (Map<?, ?>) ((List<?>) row.get("matched")).get(0);
        assertEquals(shown, matched.get("process"));
        assertTrue(root.get("status").toString().contains("owned by " + shown + " (pid "), root.get("status").toString());
        assertNoControlCharacters(json.out());
    }

    @Test
    void pipeInAProcessNameDoesNotStartTheNagiosPerfdata() throws Exception {
        NetnsFixture.Child child = fixture.renamedListener(programs, "a|red=9 b".getBytes(StandardCharsets.UTF_8));
        expectNginxOn(child.port());

        Run table = run("check", "--definitions=" + definitions);

        String status = table.out().lines().findFirst().orElseThrow();
        assertEquals(1, status.chars().filter(c -> c == '|').count(), status);
        assertTrue(status.contains("owned by a\\x7cred=9 b (pid " + child.pid() + ")"), status);
        assertTrue(status.substring(status.indexOf('|')).startsWith("| green=0 yellow=1 red=0 sockets="), status);
    }

    @Test
    void processNamedWithInvalidUtf8IsTheSeenOwnerNotPermissions() throws Exception {
        NetnsFixture.Child child = fixture.renamedListener(programs,
                new byte[] {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e'});
        Files.writeString(definitions.resolve("monitoredListeningPorts.csv"),
                "ipProtocol,localIP,localPort,procName,comment\ntcp,127.0.0.1," + child.port() + ",bad*name,renamed\n");

        Run table = run("check", "--definitions=" + definitions);

        assertEquals(CheckCommand.OK, table.exitCode(), table.out());
        assertTrue(table.out().contains("bad\uFFFDname/" + child.pid()), table.out());
    }

    @Test
    void connectionsLogIsOneCsvLinePerSocketWhateverTheProcessName() throws Exception {
        NetnsFixture.Child child = fixture.renamedListener(programs, "sl\u001beep\r\nx".getBytes(StandardCharsets.UTF_8));
        Path log = definitions.resolve("connections.csv");

        Run r = run("connections", "--port=" + child.port(), "--state=listen", "--log=" + log);

        assertEquals(0, r.exitCode(), r.out() + r.err());
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), "header and one socket:\n" + String.join("\n", lines));
        assertTrue(lines.get(1).endsWith(",sl\\x1beep\\x0d\\x0ax," + child.pid()), lines.get(1));
        assertNoControlCharacters(r.out());
    }

    @Test
    @Tag("root")
    @Tag("netns")
    void connectionsShowANamespaceNamedWithControlCharactersPrintable() throws Exception {
        String ns = fixture.namespace("pwt-\u001b]0;x\u0007\n");
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);
        String shown = ns.replace("\u001b", "\\x1b").replace("\u0007", "\\x07").replace("\n", "\\x0a");

        Run table = run("connections", "--port=" + child.port());
        Run json = run("connections", "--port=" + child.port(), "--format=json");

        assertEquals(0, table.exitCode(), table.out() + table.err());
        assertTrue(table.out().lines().anyMatch(l -> l.contains(" " + child.pid() + " ") && l.endsWith(" " + shown)),
                table.out());
        assertNoControlCharacters(table.out());
        assertTrue(json.out().contains("\"" + shown.replace("\\", "\\\\") + "\""), json.out());
        new JSONParser().parse(json.out());
        assertNoControlCharacters(json.out());
    }

    private void expectNginxOn(int port) throws Exception {
        Files.writeString(definitions.resolve("monitoredListeningPorts.csv"),
                "ipProtocol,localIP,localPort,procName,comment\ntcp,127.0.0.1," + port + ",nginx,web\n");
    }

    /** Nothing but line ends below U+0020, no DEL or C1 control: no output can be broken or recoloured. */
    private static void assertNoControlCharacters(String output) {
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            boolean control = (c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f);
            assertTrue(!control, "control character U+" + Integer.toHexString(c) + " at " + i + " in:\n" + output);
        }
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
