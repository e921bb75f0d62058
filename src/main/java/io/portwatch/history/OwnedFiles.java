package io.portwatch.history;

import io.portwatch.support.FileTrust;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How portwatch writes its history files (docs/design.md §5, rule 3), in one place:
 * <ul>
 *   <li>{@code history.dir} is judged by {@link FileTrust} ({@code files.strictModes}) before every open, so a
 *       later {@code chmod} is seen at the next rotation; a missing one is created with mode 0700;</li>
 *   <li>a file is opened with {@code O_NOFOLLOW}: a symbolic link at its name, dangling or not, is refused, never
 *       followed, never truncated, nothing is created where it points; anything but a regular file (a FIFO, a
 *       device, a folder) is refused before it is opened;</li>
 *   <li>a new file is created with mode 0600 by the {@code open} itself (no window with a wider mode);</li>
 *   <li>an existing file with more than one name (a hard link to {@code /etc/crontab}) is refused; one owned
 *       by another user than root or portwatch's own is refused (as FileTrust says); one with a wider mode (a
 *       file of an older portwatch was 0644) is tightened to 0600, and refused when it cannot be;</li>
 *   <li>a file is set aside (rotated) by a rename that never replaces an existing name: {@code rename} does not
 *       follow a link at either name, and a name already taken, link or not, is refused.</li>
 * </ul>
 * The checks after the {@code open} read the name again (Java has no {@code fstat}): they are exact in a
 * trusted directory, where only root and portwatch's user can change a name, which is what the first rule is
 * for. Where the platform has no POSIX attributes (Windows) only the link and file-type rules apply.
 */
final class OwnedFiles {

    /** Mode of every file portwatch creates: rw for its owner only. */
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    /** Mode of a {@code history.dir} portwatch creates. */
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

    private static final Set<OpenOption> OPEN = Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private final Path directory;
    private final FileTrust trust;

    /** The files of {@code directory}, judged by {@code trust}. */
    OwnedFiles(Path directory, FileTrust trust) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.trust = Objects.requireNonNull(trust, "trust");
    }

    Path directory() {
        return directory;
    }

    /** A file of the directory. */
    Path resolve(String name) {
        return directory.resolve(name);
    }

    /**
     * Creates the directory when it is missing (mode 0700) and judges it.
     *
     * @throws UntrustedDirectoryException naming the directory, what is wrong and the fix
     */
    void checkDirectory() throws IOException {
        if (!Files.exists(directory)) {
            createDirectories(directory);
        }
        Optional<String> problem = trust.problem(directory, "history.dir");
        if (problem.isPresent()) {
            throw new UntrustedDirectoryException(problem.get());
        }
    }

    /**
     * Opens a file of the directory for reading and writing, creating it (0600) when missing, after judging the
     * directory; the checks of the class description.
     */
    FileChannel open(Path file) throws IOException {
        checkDirectory();
        FileChannel channel = openNoFollow(file);
        try {
            if (trust.isStrict()) {
                Optional<String> problem = trust.problem(file, "history file");
                if (problem.isPresent()) {
                    throw new FileSystemException(file.toString(), null, problem.get());
                }
            }
            tighten(file);
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Opens any file to append to as {@link #open} does, without judging its folder, owner or mode: a symbolic
     * link or a file that is not regular is refused, a hard-linked one too, a new one is created 0600. For a file
     * a user names on the command line ({@code connections --log}).
     */
    static FileChannel openNoFollow(Path file) throws IOException {
        BasicFileAttributes before = attributes(file);
        if (before != null) {
            refuseUnlessRegular(file, before);
        }
        FileChannel channel;
        try {
            channel = isPosix(file) ? FileChannel.open(file, OPEN, PosixFilePermissions.asFileAttribute(FILE_MODE))
                    : FileChannel.open(file, OPEN);
        } catch (FileSystemException e) {
            BasicFileAttributes now = attributes(file);
            if (now != null && !now.isRegularFile()) {
                refuseUnlessRegular(file, now); // a link put there meanwhile: O_NOFOLLOW said ELOOP
            }
            throw e;
        }
        try {
            BasicFileAttributes after = attributes(file);
            if (after == null) {
                throw new NoSuchFileException(file.toString(), null, "removed while it was opened");
            }
            refuseUnlessRegular(file, after);
            if (before != null && before.fileKey() != null && !before.fileKey().equals(after.fileKey())) {
                throw new FileSystemException(file.toString(), null, "replaced while it was opened: refused");
            }
            int links = linkCount(file);
            if (links > 1) {
                throw new FileSystemException(file.toString(), null, "has " + links + " names (a hard link to"
                        + " another file): refused, never written; remove it");
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Renames {@code from} to {@code to} in one step, never replacing what is at {@code to}: the rename does not
     * follow a link at either name, and a taken name (a file, a link, dangling or not) is refused.
     */
    static void moveAside(Path from, Path to) throws IOException {
        if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(to.toString(), null, "is taken: not replaced");
        }
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Removes group and other bits from a file of ours: 0644 becomes 0600. */
    private static void tighten(Path file) throws IOException {
        if (!isPosix(file)) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> wanted = java.util.EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : mode) {
            if (FILE_MODE.contains(p)) {
                wanted.add(p);
            }
        }
        if (!wanted.equals(mode)) {
            try {
                Files.setPosixFilePermissions(file, wanted);
            } catch (IOException e) {
                throw new FileSystemException(file.toString(), null, "has mode "
                        + PosixFilePermissions.toString(mode) + ", wider than rw-------, and cannot be tightened ("
                        + e.getMessage() + "): refused; chmod 600 " + file);
            }
        }
    }

    private static void refuseUnlessRegular(Path file, BasicFileAttributes a) throws IOException {
        if (a.isRegularFile()) {
            return;
        }
        String what;
        if (a.isSymbolicLink()) {
            String target;
            try {
                target = " to " + Files.readSymbolicLink(file);
            } catch (IOException | RuntimeException e) {
                target = "";
            }
            what = "is a symbolic link" + target + ": refused, never followed; remove it";
        } else if (a.isDirectory()) {
            what = "is a folder, not a file: refused";
        } else {
            what = "is not a regular file (a FIFO, socket or device): refused, never opened; remove it";
        }
        throw new FileSystemException(file.toString(), null, what);
    }

    /** The file's own attributes (a link's, not its target's), null when there is nothing at that name. */
    private static BasicFileAttributes attributes(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static int linkCount(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("unix")) {
            return 1;
        }
        Object n = Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
        return n instanceof Integer i ? i : 1;
    }

    private static void createDirectories(Path dir) throws IOException {
        if (isPosix(dir)) {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(DIRECTORY_MODE);
            Files.createDirectories(dir, mode);
        } else {
            Files.createDirectories(dir);
        }
    }

    private static boolean isPosix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // failing already
        }
    }

    /** {@code history.dir} cannot be trusted: the message names it, what is wrong and the fix. */
    static final class UntrustedDirectoryException extends IOException {
        private static final long serialVersionUID = 1L;

        UntrustedDirectoryException(String message) {
            super(message);
        }
    }
}
