package io.portwatch.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code validate}: exit 0 clean, 1 with warnings only (the rows load), 2 with problems. */
class ValidateExitCodeTest {

    private static final String HEADER = "ipProtocol,localIP,localPort,procName,comment\n";

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();

    @Test
    void cleanFilesExitZero() throws Exception {
        Files.writeString(dir.resolve("monitoredListeningPorts.csv"), HEADER + "tcp,,22,sshd\n");

        assertEquals(0, run());
        assertTrue(out.toString().contains("OK: 1 listening and 0 connection rows in " + dir), out.toString());
    }

    @Test
    void warningsOnlyExitOne() throws Exception {
        Files.writeString(dir.resolve("monitoredListeningPorts.csv"), HEADER + "tcp,,22,sshd,SSH, Linux\n");

        assertEquals(1, run());
        assertTrue(out.toString().contains("\nmonitoredListeningPorts.csv:2: 6 fields, header has 5: extra values ignored"
                + " (\"Linux\"); quote a field that holds a comma\n"), out.toString());
        assertTrue(out.toString().contains("OK with warnings: 1 listening"), out.toString());
    }

    @Test
    void problemsExitTwoEvenWithWarnings() throws Exception {
        Files.writeString(dir.resolve("monitoredListeningPorts.csv"), HEADER + "tcp,,22,sshd,SSH, Linux\ntcp,,80a\n");

        assertEquals(2, run());
        assertTrue(out.toString().contains("monitoredListeningPorts.csv:3: localPort: expecting 1-65535 (found \"80a\")"),
                out.toString());
    }

    private int run() {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        return cl.execute("validate", "--definitions=" + dir);
    }
}
