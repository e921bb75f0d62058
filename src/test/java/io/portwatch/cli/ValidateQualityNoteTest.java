package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.portwatch.testing.FakeSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code validate} says once what connection rows ask of TCP quality when the source does not measure it. */
class ValidateQualityNoteTest {

    private static final String HEADER = "remoteIP,remoteName,remotePort,procName,comment,stallSeconds,maxRttMs,"
            + "maxRetransPercent\n";

    @TempDir
    Path dir;

    private String validate(FakeSource source, String... extra) {
        StringWriter out = new StringWriter();
        ValidateCommand command = new ValidateCommand();
        command.source = source;
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        String[] args = new String[extra.length + 1];
        args[0] = "--definitions=" + dir;
        System.arraycopy(extra, 0, args, 1, extra.length);
        assertEquals(0, cl.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void withoutTheNetlinkReaderTheQualityChecksInUseAreNamedOnce() throws Exception {
        Files.writeString(dir.resolve("monitoredTcpConnects.csv"), HEADER
                + "10.0.0.5,,5432,java,db,,100,\n10.0.0.6,,5432,java,db,0,,2\n10.0.0.7,,443,,web,,,\n");
        String out = validate(new FakeSource("linux"));
        assertEquals(1, out.split("note: stalled", -1).length - 1, out);
        assertEquals("note: stalled (2 rows), maxRttMs (1 row), maxRetransPercent (1 row) need the netlink reader:"
                + " the linux source does not measure TCP quality, so they give no verdict",
                out.lines().filter(l -> l.contains("netlink")).findFirst().orElse(""), out);
    }

    @Test
    void aSourceThatMeasuresQualityOrRowsThatAskNothingGiveNoNote() throws Exception {
        Files.writeString(dir.resolve("monitoredTcpConnects.csv"), HEADER + "10.0.0.5,,5432,java,db,0,,\n");
        assertFalse(validate(new FakeSource("linux")).contains("netlink"), "stalled off, no limits: nothing asked");
        Files.writeString(dir.resolve("monitoredTcpConnects.csv"), HEADER + "10.0.0.5,,5432,java,db,,100,\n");
        FakeSource netlink = new FakeSource("linux");
        netlink.measuresQuality = true;
        assertFalse(validate(netlink).contains("netlink"));
    }
}
