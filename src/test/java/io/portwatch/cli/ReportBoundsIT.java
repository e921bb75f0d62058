package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.text.Csv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 20's case through the shaded jar: {@code report} on a history file with a 300 MB field died with an
 * OutOfMemoryError stack trace, exit 1. Under {@code -Xmx64m -XX:+ExitOnOutOfMemoryError} (an OOM would exit 3 too,
 * so stderr is checked to the letter) it now exits 3 with one line naming the file and line.
 */
class ReportBoundsIT {

    /** Far more than the child's heap: the field is refused at its bound, never held. */
    private static final long FIELD_BYTES = 300L << 20;
    /** Generous: reading past the bound, not the whole field, is what this takes. */
    private static final long DEADLINE_SECONDS = 60;

    @TempDir
    Path dir;

    @Test
    void aThreeHundredMegabyteFieldExitsThreeWithOneLineInASmallHeap() throws Exception {
        Path file = Files.writeString(dir.resolve("portwatch-events.csv"), "time,event,protocol,localAddress,localPort,"
                + "remoteAddress,remotePort,state,previousState,pid,process,user,exePath\n2026-11-20T08:05:00.000Z,open,\"");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(FIELD_BYTES); // sparse: the field is a hole of NUL bytes, written by no one
        }
        Path stdout = dir.resolve("out");
        Path stderr = dir.resolve("err");
        Process p = new ProcessBuilder(List.of(JarProcess.java(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-jar",
                JarProcess.jar().toString(), "report", "--format=json", file.toString()))
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertTrue(p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "report finished");

        assertEquals("cannot report: " + file + ":2: a field longer than " + Csv.MAX_FIELD_CHARS + " characters\n",
                Files.readString(stderr, StandardCharsets.UTF_8));
        assertEquals(3, p.exitValue());
        assertEquals("", Files.readString(stdout, StandardCharsets.UTF_8));
    }
}
