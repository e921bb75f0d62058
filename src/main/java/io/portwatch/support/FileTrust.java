package io.portwatch.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Rule 3 of docs/design.md §5, in one place: portwatch reads and writes only files that only trusted users could
 * have put there, as sshd's {@code StrictModes} and logrotate judge them. A folder or file is trusted when
 * <ul>
 *   <li>its owner is root or the user portwatch runs as;</li>
 *   <li>it is not world-writable;</li>
 *   <li>it is not group-writable, unless its group holds only its owner: a user private group (the group has the
 *       owner's name, lists no other member in {@code /etc/group} and is no other user's primary group in
 *       {@code /etc/passwd}), as Debian and Ubuntu give every user, so a clone made under {@code umask 002} is
 *       trusted; the group {@code root} of a root-owned file likewise. A group of the owner's name found in
 *       neither file (a directory service) counts as the owner's own;</li>
 *   <li>for a file to be read: it lies on a disk file system, not on procfs, sysfs, devtmpfs or another kernel
 *       file system whose "files" are the kernel's state or block on read.</li>
 * </ul>
 * Links are followed for the judgement: the target is what is read. Where the platform has no POSIX attributes
 * (Windows) only the file-system rule applies. Setting {@code files.strictModes=false} turns the owner and mode
 * rules off (unsafe: documented as such); the file-system rule always holds.
 */
public final class FileTrust {

    /** Kernel file systems: never definitions, never history. */
    private static final Set<String> KERNEL_FILE_SYSTEMS = Set.of("proc", "sysfs", "devtmpfs", "devpts", "debugfs",
            "tracefs", "securityfs", "cgroup", "cgroup2", "pstore", "bpf", "configfs", "fusectl", "efivarfs", "mqueue",
            "hugetlbfs", "binfmt_misc", "nsfs", "rpc_pipefs", "selinuxfs", "autofs");
    /** The most of {@code /etc/group} and {@code /etc/passwd} read: beyond, a group is not known to hold only its owner. */
    private static final int MAX_ACCOUNT_FILE_BYTES = 1 << 20;
    private static final Path GROUP_FILE = Path.of("/etc/group");
    private static final Path PASSWD_FILE = Path.of("/etc/passwd");

    private final boolean strict;
    private final Optional<String> ownUser;
    private final Path groupFile;
    private final Path passwdFile;

    private FileTrust(boolean strict, Optional<String> ownUser, Path groupFile, Path passwdFile) {
        this.strict = strict;
        this.ownUser = ownUser;
        this.groupFile = groupFile;
        this.passwdFile = passwdFile;
    }

    /** Owner and mode rules on ({@code files.strictModes=true}, the default). */
    public static FileTrust strict() {
        return of(true);
    }

    /** The rules as {@code files.strictModes} says: {@code false} keeps only the file-system rule. */
    public static FileTrust of(boolean strictModes) {
        return new FileTrust(strictModes, ownUserName(), GROUP_FILE, PASSWD_FILE);
    }

    /** For tests: strict rules reading groups and users from these files instead of /etc/group and /etc/passwd. */
    static FileTrust withAccounts(Path groupFile, Path passwdFile) {
        return new FileTrust(true, ownUserName(), groupFile, passwdFile);
    }

    /**
     * Why the folder or file cannot be trusted, as one sentence naming the path, what is wrong and how to fix
     * it; empty when it can. A path that does not exist is not judged here (empty).
     *
     * @param what the path's role in the message, e.g. {@code "definitions folder"} or {@code "history.dir"}
     */
    public Optional<String> problem(Path path, String what) {
        Optional<String> kernel = kernelFileSystem(path, what);
        if (kernel.isPresent() || !strict) {
            return kernel;
        }
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (UnsupportedOperationException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(what + " " + path + " cannot be checked: " + Errors.text(e));
        }
        String owner = attributes.owner().getName();
        if (!owner.equals("root") && !ownUser.map(owner::equals).orElse(false)) {
            String trusted = ownUser.filter(u -> !u.equals("root")).map(u -> "neither root nor " + u).orElse("not root");
            return Optional.of(what + " " + path + " is owned by " + owner + ", " + trusted
                    + ": only a trusted user may have put it there;"
                    + " chown it (or set files.strictModes=false, unsafe)");
        }
        Set<PosixFilePermission> permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            return Optional.of(what + " " + path + " is writable by every user: chmod o-w " + path
                    + " (or set files.strictModes=false, unsafe)");
        }
        String group = attributes.group().getName();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) && !groupHoldsOnly(group, owner)) {
            return Optional.of(what + " " + path + " is writable by group " + group + ", which holds other users"
                    + " than " + owner + ": chmod g-w " + path + " (or set files.strictModes=false, unsafe)");
        }
        return Optional.empty();
    }

    /** Whether the owner and mode rules are on. */
    public boolean isStrict() {
        return strict;
    }

    private static Optional<String> kernelFileSystem(Path path, String what) {
        try {
            FileStore store = Files.getFileStore(path);
            String type = store.type().toLowerCase(Locale.ROOT);
            if (KERNEL_FILE_SYSTEMS.contains(type)) {
                return Optional.of(what + " " + path + " is on the kernel file system " + type
                        + ", not on a disk: it is not used");
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * A user private group: named as its only possible member, no other member listed in the group file, no other
     * user's primary group in the passwd file. Root's group likewise. Unreadable or overlong files: not known, false.
     */
    private boolean groupHoldsOnly(String group, String owner) {
        if (!group.equals(owner)) {
            return false;
        }
        try {
            Optional<String[]> entry = entry(groupFile, group);
            if (entry.isEmpty()) {
                return true; // not in the file: a directory service's private group, named as its owner
            }
            String[] fields = entry.get();
            if (fields.length < 4) {
                return false;
            }
            for (String member : fields[3].split(",")) {
                if (!member.isBlank() && !member.equals(owner)) {
                    return false;
                }
            }
            String gid = fields[2];
            return !anyLine(passwdFile, user -> user.length >= 4 && user[3].equals(gid) && !user[0].equals(owner));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The fields of the line of a colon-separated account file whose first field is {@code name}. */
    private static Optional<String[]> entry(Path file, String name) throws IOException {
        String[][] found = new String[1][];
        anyLine(file, fields -> {
            if (fields[0].equals(name)) {
                found[0] = fields;
                return true;
            }
            return false;
        });
        return Optional.ofNullable(found[0]);
    }

    /** Whether a line of a colon-separated account file matches; an overlong file is an IOException. */
    private static boolean anyLine(Path file, java.util.function.Predicate<String[]> test) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long read = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                read += line.length() + 1;
                if (read > MAX_ACCOUNT_FILE_BYTES) {
                    throw new IOException(file + " is larger than " + MAX_ACCOUNT_FILE_BYTES + " bytes");
                }
                if (test.test(line.split(":", -1))) {
                    return true;
                }
            }
            return false;
        }
    }

    private static Optional<String> ownUserName() {
        try {
            return Optional.of(Files.getOwner(Path.of("/proc/self")).getName());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.ofNullable(System.getProperty("user.name"));
        }
    }
}
