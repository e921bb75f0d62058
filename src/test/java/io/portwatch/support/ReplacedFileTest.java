package io.portwatch.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A file a command writes replaces what lies at its path: links there are replaced, never written through. */
class ReplacedFileTest {

    @TempDir
    Path dir;

    @Test
    void aSymbolicLinkAtThePathIsReplacedAndItsTargetUntouched() throws IOException {
        Path victim = Files.writeString(dir.resolve("shadow"), "root:secret\n");
        Path report = Files.createSymbolicLink(dir.resolve("report.html"), victim);
        ReplacedFile.write(report, "<html>".getBytes(StandardCharsets.UTF_8));
        assertEquals("root:secret\n", Files.readString(victim));
        assertFalse(Files.isSymbolicLink(report));
        assertEquals("<html>", Files.readString(report));
    }

    @Test
    void aHardLinkAtThePathIsReplacedAndTheOtherNameKeepsItsBytes() throws IOException {
        Path victim = Files.writeString(dir.resolve("crontab"), "* * * * * true\n");
        Path report = Files.createLink(dir.resolve("report.html"), victim);
        ReplacedFile.write(report, "<html>".getBytes(StandardCharsets.UTF_8));
        assertEquals("* * * * * true\n", Files.readString(victim));
        assertEquals("<html>", Files.readString(report));
    }

    @Test
    void aDanglingLinkCreatesNothingWhereItPoints() throws IOException {
        Path nowhere = dir.resolve("sub").resolve("created-through-the-link");
        Files.createDirectories(nowhere.getParent());
        Path report = Files.createSymbolicLink(dir.resolve("report.html"), nowhere);
        ReplacedFile.write(report, "x".getBytes(StandardCharsets.UTF_8));
        assertFalse(Files.exists(nowhere, LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(report, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void theFileIsPrivateAndNothingIsLeftBeside() throws IOException {
        Path report = dir.resolve("report.html");
        ReplacedFile.write(report, "x".getBytes(StandardCharsets.UTF_8));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(report)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void aPathThatIsADirectoryFailsAndLeavesNoTemporaryFile() throws IOException {
        Path occupied = Files.createDirectories(dir.resolve("report.html"));
        Files.writeString(occupied.resolve("inside"), "kept");
        assertThrows(IOException.class, () -> ReplacedFile.write(occupied, "x".getBytes(StandardCharsets.UTF_8)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the directory");
        }
        assertEquals("kept", Files.readString(occupied.resolve("inside")));
    }
}
