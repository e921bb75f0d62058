package io.portwatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jolokia.json.parser.JSONParser;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code check --format=json} prints JSON whatever happens, with each row's comment; the table shows it cut. */
class CheckJsonTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void definitionsWithProblemsGiveJsonErrorsAndExitThree() throws Exception {
        Files.writeString(dir.resolve("monitoredListeningPorts.csv"), "ipProtocol,localIP,localPort\ntcp,,80a\n");

        assertEquals(3, run("check", "--definitions=" + dir, "--format=json"));

        Map<?, ?> json = (Map<?, ?>) new JSONParser().parse(out.toString());
        assertEquals("PORTWATCH UNKNOWN - 1 problem(s) in the definitions", json.get("status"));
        assertEquals(List.of("monitoredListeningPorts.csv:2: localPort: expecting 1-65535 (found \"80a\")"),
                json.get("errors"));
    }

    @Test
    void badSettingsGiveJsonErrorsToo() throws Exception {
        assertEquals(3, run("check", "--definitions=" + dir, "--interval=0", "--format=json"));

        Map<?, ?> json = (Map<?, ?>) new JSONParser().parse(out.toString());
        assertTrue(json.get("status").toString().startsWith("PORTWATCH UNKNOWN - bad settings: "), out.toString());
        assertEquals(1, ((List<?>) json.get("errors")).size(), out.toString());
    }

    @Test
    void rowsCarryTheirCommentWholeInJsonAndCutInTheTable() throws Exception {
        String comment = "A comment longer than the table shows, with a comma, kept whole in JSON";
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Files.writeString(dir.resolve("monitoredListeningPorts.csv"), "ipProtocol,localIP,localPort,procName,comment\n"
                    + "tcp,127.0.0.1," + server.getLocalPort() + ",java,\"" + comment + "\"\n"
                    + "tcp,127.0.0.1," + server.getLocalPort() + ",*,extra,values\n");

            assertEquals(0, run("check", "--definitions=" + dir, "--format=json"));
            Map<?, ?> json = (Map<?, ?>) new JSONParser().parse(out.toString());
            Map<?, ?> row = (Map<?, ?>) ((List<?>) json.get("rows")).get(0);
            assertEquals(comment, row.get("comment"));
            assertTrue(row.get("testedAt").toString().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), row.toString());
            assertEquals(List.of("monitoredListeningPorts.csv:3: 6 fields, header has 5: extra values ignored"
                    + " (\"values\"); quote a field that holds a comma"), json.get("warnings"));

            out.getBuffer().setLength(0);
            assertEquals(0, run("check", "--definitions=" + dir));
            assertTrue(out.toString().contains(" " + CheckOutput.shown(comment) + "\n"), out.toString());
            assertEquals("A comment longer than the table shows...", CheckOutput.shown(comment));
            assertTrue(err.toString().contains("warning: monitoredListeningPorts.csv:3: 6 fields"), err.toString());
        }
    }

    private int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }
}
