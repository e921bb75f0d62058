package io.portwatch.support;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
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
        assertTrue(problem.endsWith("is on the kernel file system proc, not on a disk: it is not used"), problem);
        assertTrue(FileTrust.strict().problem(Path.of("/sys/kernel/mm"), "history.dir").isPresent());
    }

    @Test
    void aMissingPathIsNotJudged() {
        assertEquals(Optional.empty(), FileTrust.strict().problem(dir.resolve("none"), "history.dir"));
    }

    // ---- a group that holds only the owner: a clone made under umask 002 (docs/design.md, "Trusted files") --

    /** Tests run as root: the folder's group is root, root's private group (no member, no other user's gid 0). */
    @Test
    void aFolderMadeGroupWritableByUmask002WithTheOwnersOwnGroupIsTrusted() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("clone"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxr-x"));
        String owner = Files.getOwner(folder).getName();
        String group = Files.readAttributes(folder, PosixFileAttributes.class).group().getName();
        assertEquals(owner, group, "a new folder's group is its owner's private group (root's root, a user's own)");
        Path groups = Files.writeString(dir.resolve("group"), group + ":x:0:\n");
        Path users = Files.writeString(dir.resolve("passwd"), owner + ":x:0:0::/root:/bin/sh\n");

        assertEquals(Optional.empty(), FileTrust.withAccounts(groups, users).problem(folder, "definitions folder"));
        assertEquals(Optional.empty(), FileTrust.strict().problem(folder, "definitions folder"), "this host's files");
    }

    @Test
    void aGroupListingAnotherMemberIsRefused() throws Exception {
        Path folder = groupWritableFolder();
        String owner = Files.getOwner(folder).getName();
        Path groups = Files.writeString(dir.resolve("group"), owner + ":x:0:" + owner + ",alice\n");
        Path users = Files.writeString(dir.resolve("passwd"), owner + ":x:0:0::/:/bin/sh\n");

        assertEquals("definitions folder " + folder + " is writable by group " + owner + ", which holds other users than "
                        + owner + ": chmod g-w " + folder + " (or set files.strictModes=false, unsafe)",
                FileTrust.withAccounts(groups, users).problem(folder, "definitions folder").orElseThrow());
    }

    /** Not listed: a user whose primary group it is belongs to it without being listed in /etc/group. */
    @Test
    void aGroupThatIsAnotherUsersPrimaryGroupIsRefused() throws Exception {
        Path folder = groupWritableFolder();
        String owner = Files.getOwner(folder).getName();
        Path groups = Files.writeString(dir.resolve("group"), owner + ":x:0:\n");
        Path users = Files.writeString(dir.resolve("passwd"), owner + ":x:0:0::/:/bin/sh\nbob:x:1001:0::/home/bob:/bin/sh\n");

        assertTrue(FileTrust.withAccounts(groups, users).problem(folder, "history.dir").orElseThrow()
                .contains("is writable by group " + owner + ", which holds other users"));
    }

    @Test
    @Tag("root")
    void aGroupNotNamedAsTheOwnerIsRefusedWhenGroupWritable() throws Exception {
        Path folder = groupWritableFolder();
        Files.getFileAttributeView(folder, PosixFileAttributeView.class).setGroup(
                folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName("daemon"));

        assertTrue(FileTrust.strict().problem(folder, "history.dir").orElseThrow()
                .contains("is writable by group daemon, which holds other users"));
    }

    @Test
    void unreadableAccountFilesMeanTheGroupIsNotKnownToBeTheOwnersOwn() throws Exception {
        Path folder = groupWritableFolder();

        assertTrue(FileTrust.withAccounts(dir.resolve("none"), dir.resolve("none")).problem(folder, "history.dir")
                .isPresent());
    }

    @Test
    void aLinkLoopCannotBeCheckedAndSaysSo() throws Exception {
        Path a = dir.resolve("a");
        Files.createSymbolicLink(a, dir.resolve("b"));
        Files.createSymbolicLink(dir.resolve("b"), a);

        assertTrue(FileTrust.strict().problem(a, "definitions file").orElseThrow()
                .startsWith("definitions file " + a + " cannot be checked: "));
    }

    private Path groupWritableFolder() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("shared"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxr-x"));
        return folder;
    }
}
