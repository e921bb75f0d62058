package io.portwatch.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileTrustTest {

    @TempDir
    Path dir;

    @Test
    void aFileOfOurOwnWritableOnlyByUsIsTrusted() throws Exception {
        Path file = Files.writeString(dir.resolve("a.csv"), "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(Optional.empty(), FileTrust.strict().problem(file, "definitions file"));
    }

    @Test
    void aWorldWritableFolderIsRefusedSayingHowToFixIt() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String problem = FileTrust.strict().problem(dir, "definitions folder").orElseThrow();
        assertEquals("definitions folder " + dir + " is writable by every user: chmod o-w " + dir
                + " (or set files.strictModes=false, unsafe)", problem);
        assertEquals(Optional.empty(), FileTrust.of(false).problem(dir, "definitions folder"));
    }

    @Test
    void aFileOnTheKernelFileSystemIsRefusedEvenWithStrictModesOff() {
        String problem = FileTrust.of(false).problem(Path.of("/proc/self/cmdline"), "definitions file").orElseThrow();
        assertTrue(problem.endsWith("is on the kernel file system proc, not on a disk: it is not read"), problem);
        assertTrue(FileTrust.strict().problem(Path.of("/sys/kernel/mm"), "history.dir").isPresent());
    }

    @Test
    void aMissingPathIsNotJudged() {
        assertEquals(Optional.empty(), FileTrust.strict().problem(dir.resolve("none"), "history.dir"));
    }
}
