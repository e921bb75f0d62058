package io.portwatch.history;

import static io.portwatch.testing.SnapshotBuilder.snapshot;
import static io.portwatch.testing.Sockets.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;

/** {@code connections --log FILE}: the file the user names is written as every file portwatch writes (rule 3, rule 4). */
class ConnectionsLogTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
    private static final ProcessInfo EVIL = new ProcessInfo(100, "evil\n* * * * * root sh", "evil", "root", "/tmp/evil",
            "", null);

    @TempDir
    Path dir;

    private static Snapshot oneListener() {
        return snapshot("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), EVIL);
    }

    @Test
    void aNewLogIsCreated0600AndANameWithALineBreakStaysInItsRow() throws IOException {
        Path log = dir.resolve("connections.csv");
        Snapshot s = oneListener();
        assertEquals(1, ConnectionsLog.append(log, AT, s.sockets(), s));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals(List.of(String.join(",", ConnectionsLog.COLUMNS),
                "2026-11-22T10:00:00.000Z,TCP,0.0.0.0,80,0.0.0.0,0,LISTEN,evil\\x0a* * * * * root sh,100"),
                Files.readAllLines(log));
    }

    @Test
    void aSymlinkAtTheLogNameIsRefusedAndNothingIsWrittenWhereItPoints() throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "kept\n");
        Path dangling = dir.resolve("nowhere.csv");
        Snapshot s = oneListener();
        for (Path target : List.of(victim, dangling)) {
            Path log = Files.createSymbolicLink(dir.resolve("log-" + target.getFileName()), target);
            FileSystemException e = assertThrows(FileSystemException.class, () -> ConnectionsLog.append(log, AT, s.sockets(), s));
            assertEquals(log + ": is a symbolic link to " + target + ": refused, never followed; remove it", e.getMessage());
        }
        assertEquals("kept\n", Files.readString(victim));
        assertFalse(Files.exists(dangling, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aHardLinkedLogIsRefused() throws IOException {
        Path other = Files.writeString(dir.resolve("other"), String.join(",", ConnectionsLog.COLUMNS) + "\n");
        Path log = Files.createLink(dir.resolve("connections.csv"), other);
        Snapshot s = oneListener();
        assertThrows(FileSystemException.class, () -> ConnectionsLog.append(log, AT, s.sockets(), s));
        assertEquals(String.join(",", ConnectionsLog.COLUMNS) + "\n", Files.readString(other));
    }
}
