package io.portwatch.scan.linux;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds which process holds each socket, from the file descriptor links
 * {@code /proc/PID/fd/N -> socket:[INODE]}, and remembers what it read so that a scan does not read
 * every link again.
 *
 * <h2>What is cached, and when it is read again</h2>
 * For every process: its identity (pid and start time, field 22 of {@code /proc/PID/stat}, so that a
 * reused pid is a new process), an fd signature, and the socket inodes it holds with their fd
 * numbers. Each scan lists {@code /proc}, reads every process's identity and signature (two small
 * reads per process, no per-fd work) and walks (reads every fd link of) only the processes for which
 * one of these holds:
 * <ol>
 *   <li>it is new, or its pid now belongs to another process (start time differs);</li>
 *   <li>its signature changed. The signature is the fd count, which {@code stat} of
 *       {@code /proc/PID/fd} reports as its size on Linux 6.2 and later; on older kernels (or a
 *       {@code proc} tree that is not procfs) it is the count and a hash of the fd numbers from
 *       listing the directory, which costs a fifth of a walk;</li>
 *   <li>a socket in the tables is held by no known process: it was opened where an fd was closed,
 *       so no count changed. Unchanged processes are then walked, those holding most sockets first,
 *       until every such socket is found; a socket that no process holds after all were walked
 *       (held by a process this user may not look into, or by the kernel) is remembered as
 *       ownerless until it leaves the tables, so that it does not cost a full walk every scan;</li>
 *   <li>it holds a socket that another process holds too (shared across {@code fork}): each such
 *       cached link is read again ({@code readlink}, one per shared socket per process), and a
 *       process whose link no longer points to the socket is walked;</li>
 *   <li>its turn in a slow rotation has come: each process is walked at least every
 *       {@value #REFRESH_SCANS} scans whatever the checks above say, spread by pid.</li>
 * </ol>
 *
 * <h2>Why no owner can be stale, and the one case that is only bounded</h2>
 * A socket's inode number is unique among live sockets, and a socket that leaves the tables is
 * forgotten at once. So an fd closed and its number reused by another socket, in this or another
 * process, gives a new inode that no cache entry names (rule 3 finds its holder), and a reused pid is a
 * new process (rule 1). A cached owner can only be stale if its process dropped a socket that another
 * process still holds: if that other process was known to hold it, rule 4 catches it; if it got the
 * socket by fd passing ({@code SCM_RIGHTS}, {@code pidfd_getfd}) while both processes' fd counts stayed
 * the same, only rule 5 does, within {@value #REFRESH_SCANS} scans.
 *
 * <p>A process that exits during the walk is skipped; one whose {@code fd} directory cannot be read
 * (another user's process, when not running as root) is skipped too, so its sockets stay without an
 * owner. Neither is an error. A socket held by several processes (inherited across {@code fork}) is
 * given to the lowest pid, so that the answer does not depend on directory order. Not thread-safe:
 * one scan at a time.
 */
final class SocketOwners {

    /** Every process is walked at least once in this many scans (rule 5 above). */
    static final int REFRESH_SCANS = 16;

    private static final System.Logger LOG = System.getLogger(SocketOwners.class.getName());
    private static final String SOCKET_PREFIX = "socket:[";
    private static final long SIGNATURE_GONE = -1;
    private static final long SIGNATURE_UNREADABLE = -2;
    /** {@code starttime} is field 22 of {@code stat}; fields are counted from 1, {@code state} (3) follows the name. */
    private static final int START_TIME_AFTER_STATE = 22 - 3;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    /**
     * Opens a directory for listing. {@link Files#newDirectoryStream(Path)} in production; a seam so
     * that tests can make an {@code fd} directory unreadable even when they run as root.
     */
    @FunctionalInterface
    interface DirectoryOpener {
        DirectoryStream<Path> open(Path dir) throws IOException;
    }

    /** What one scan did, for tests and the benchmark. */
    record Work(int processes, int walked, int linksRead, int verified, boolean searched) {
    }

    private final Path procRoot;
    private final DirectoryOpener opener;
    private final Map<Integer, FdTable> tables = new HashMap<>();
    private final byte[] statBuffer = new byte[4096];
    /** Inodes no process held when every process had been walked; kept while they stay in the tables. */
    private LongIntMap ownerless = new LongIntMap(16);
    private Boolean sizeIsFdCount;
    private long scan;
    private Work lastWork = new Work(0, 0, 0, 0, false);
    private int linksRead;

    SocketOwners(Path procRoot, DirectoryOpener opener) {
        this.procRoot = procRoot;
        this.opener = opener;
    }

    /**
     * The lowest pid holding each inode of {@code wanted} (its keys); inodes no visible process
     * holds are absent.
     */
    LongIntMap find(LongIntMap wanted) {
        scan++;
        linksRead = 0;
        int verified = 0;
        boolean searched = false;
        List<FdTable> live = liveProcesses();

        LongIntMap owners = new LongIntMap(wanted.size());
        LongIntMap shared = owners(live, wanted, owners);

        // rule 4: links of shared sockets held by processes not walked this scan are read again
        if (shared.size() > 0) {
            boolean changed = false;
            for (FdTable t : live) {
                if (t.walkedAt == scan) {
                    continue;
                }
                for (int i = 0; i < t.count; i++) {
                    if (shared.containsKey(t.inodes[i])) {
                        verified++;
                        if (linkInode(t.fdDir.resolve(Integer.toString(t.fds[i]))) != t.inodes[i]) {
                            walk(t);
                            changed = true;
                            break;
                        }
                    }
                }
            }
            if (changed) {
                owners = new LongIntMap(wanted.size());
                owners(live, wanted, owners);
            }
        }

        // rule 3: sockets nobody is known to hold
        LongIntMap unknown = unknown(wanted, owners);
        if (unknown.size() > 0) {
            searched = true;
            int remaining = unknown.size();
            List<FdTable> candidates = new ArrayList<>();
            for (FdTable t : live) {
                if (t.walkedAt != scan) {
                    candidates.add(t);
                }
            }
            candidates.sort((a, b) -> Integer.compare(b.count, a.count));
            boolean walkedAll = true;
            for (FdTable t : candidates) {
                if (remaining == 0) {
                    walkedAll = false;
                    break;
                }
                walk(t);
                for (int i = 0; i < t.count; i++) {
                    if (unknown.get(t.inodes[i], 0) == 1) {
                        unknown.put(t.inodes[i], 0);
                        remaining--;
                    }
                }
            }
            // a walk may also have shown that a process no longer holds what it held
            owners = new LongIntMap(wanted.size());
            owners(live, wanted, owners);
            if (walkedAll) {
                rememberOwnerless(wanted, owners);
            }
        }
        forgetOwnerlessNotIn(wanted, owners);

        int walked = 0;
        for (FdTable t : live) {
            walked += t.walkedAt == scan ? 1 : 0;
        }
        lastWork = new Work(live.size(), walked, linksRead, verified, searched);
        return owners;
    }

    /** What the last {@link #find} did. */
    Work lastWork() {
        return lastWork;
    }

    /**
     * Lists {@code /proc}, drops processes that are gone, and walks those that are new, changed or
     * due (rules 1, 2 and 5).
     */
    private List<FdTable> liveProcesses() {
        List<FdTable> live = new ArrayList<>();
        Map<Integer, FdTable> seen = new HashMap<>();
        try (DirectoryStream<Path> processes = opener.open(procRoot)) {
            for (Path processDir : processes) {
                int pid = number(processDir.getFileName().toString());
                if (pid <= 0) {
                    continue;
                }
                long startTicks = startTicks(processDir);
                if (startTicks < 0) {
                    continue; // exited meanwhile
                }
                Path fdDir = processDir.resolve("fd");
                long signature = signature(fdDir);
                if (signature == SIGNATURE_GONE) {
                    continue;
                }
                FdTable t = tables.get(pid);
                if (t == null || t.startTicks != startTicks) {
                    t = new FdTable(pid, startTicks, fdDir);
                }
                if (t.walkedAt < 0 || t.signature != signature || (scan + pid) % REFRESH_SCANS == 0) {
                    t.signature = signature;
                    walk(t);
                }
                seen.put(pid, t);
                live.add(t);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // the socket tables were readable, so this is odd; every socket stays without owner
            LOG.log(Level.WARNING, "cannot list the processes in " + procRoot + ", socket owners are unknown: " + e);
        }
        tables.clear();
        tables.putAll(seen);
        return live;
    }

    /**
     * Fills {@code owners} with the lowest holder of each wanted inode, from every process's cached
     * sockets, and returns the wanted inodes held by more than one process.
     */
    private static LongIntMap owners(List<FdTable> live, LongIntMap wanted, LongIntMap owners) {
        LongIntMap shared = new LongIntMap(16);
        for (FdTable t : live) {
            for (int i = 0; i < t.count; i++) {
                long inode = t.inodes[i];
                if (wanted.containsKey(inode) && owners.putMin(inode, t.pid)) {
                    shared.put(inode, 1);
                }
            }
        }
        return shared;
    }

    /** The wanted inodes that no process is known to hold and that are not known to be ownerless, each with value 1. */
    private LongIntMap unknown(LongIntMap wanted, LongIntMap owners) {
        LongIntMap unknown = new LongIntMap(16);
        for (int slot = 0; slot < wanted.capacity(); slot++) {
            long inode = wanted.keyAt(slot);
            if (inode != 0 && !owners.containsKey(inode) && !ownerless.containsKey(inode)) {
                unknown.put(inode, 1);
            }
        }
        return unknown;
    }

    private void rememberOwnerless(LongIntMap wanted, LongIntMap owners) {
        for (int slot = 0; slot < wanted.capacity(); slot++) {
            long inode = wanted.keyAt(slot);
            if (inode != 0 && !owners.containsKey(inode)) {
                ownerless.put(inode, 1);
            }
        }
    }

    /** Keeps only the ownerless inodes that are still in the tables and still have no owner. */
    private void forgetOwnerlessNotIn(LongIntMap wanted, LongIntMap owners) {
        if (ownerless.size() == 0) {
            return;
        }
        LongIntMap kept = new LongIntMap(ownerless.size());
        for (int slot = 0; slot < ownerless.capacity(); slot++) {
            long inode = ownerless.keyAt(slot);
            if (inode != 0 && wanted.containsKey(inode) && !owners.containsKey(inode)) {
                kept.put(inode, 1);
            }
        }
        ownerless = kept;
    }

    /** Reads every fd link of one process and keeps its sockets. */
    private void walk(FdTable t) {
        t.count = 0;
        t.walkedAt = scan;
        try (DirectoryStream<Path> fds = opener.open(t.fdDir)) {
            for (Path fd : fds) {
                long inode = linkInode(fd);
                if (inode > 0) {
                    t.add(fdNumber(fd), inode);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // NoSuchFileException: the process has exited; AccessDeniedException: not ours to see.
            // Either way its sockets keep an unknown owner.
            t.count = 0;
        }
    }

    /**
     * What tells that a process's fds changed, without reading them: the fd count, or where the kernel
     * does not report it, the count and a hash of the fd numbers.
     */
    private long signature(Path fdDir) {
        if (sizeIsFdCount()) {
            try {
                return Files.readAttributes(fdDir, BasicFileAttributes.class).size();
            } catch (IOException e) {
                return SIGNATURE_GONE;
            }
        }
        try (DirectoryStream<Path> fds = opener.open(fdDir)) {
            long count = 0;
            long hash = 0;
            for (Path fd : fds) {
                long h = (fdNumber(fd) + 1) * 0x9E3779B97F4A7C15L;
                hash += h ^ h >>> 29;
                count++;
            }
            return (count << 40 ^ hash) & Long.MAX_VALUE;
        } catch (java.nio.file.NoSuchFileException e) {
            return SIGNATURE_GONE;
        } catch (IOException | DirectoryIteratorException e) {
            return SIGNATURE_UNREADABLE;
        }
    }

    /** True when {@code stat} of {@code /proc/PID/fd} gives the fd count (procfs of Linux 6.2 and later). */
    private boolean sizeIsFdCount() {
        if (sizeIsFdCount == null) {
            boolean yes;
            try {
                yes = "proc".equals(Files.getFileStore(procRoot).type())
                        && Files.readAttributes(procRoot.resolve("self/fd"), BasicFileAttributes.class).size() > 0;
            } catch (IOException | RuntimeException e) {
                yes = false;
            }
            sizeIsFdCount = yes;
        }
        return sizeIsFdCount;
    }

    /** Field 22 of {@code /proc/PID/stat} (start time in clock ticks after boot), -1 when it cannot be read. */
    private long startTicks(Path processDir) {
        int length = 0;
        try (InputStream in = Files.newInputStream(processDir.resolve("stat"))) {
            int n;
            while (length < statBuffer.length && (n = in.read(statBuffer, length, statBuffer.length - length)) > 0) {
                length += n;
            }
        } catch (IOException e) {
            return -1;
        }
        return startTicks(statBuffer, length);
    }

    /**
     * Field 22 of {@code PID (COMM) STATE PPID ...}, -1 when missing. The name may hold spaces and
     * parentheses, so the fields are counted from the last {@code ')'}.
     */
    static long startTicks(byte[] stat, int length) {
        int i = length - 1;
        while (i >= 0 && stat[i] != ')') {
            i--;
        }
        if (i < 0) {
            return -1;
        }
        i++;
        for (int field = 0; field < START_TIME_AFTER_STATE; field++) {
            while (i < length && stat[i] == ' ') {
                i++;
            }
            while (i < length && stat[i] != ' ') {
                i++;
            }
        }
        while (i < length && stat[i] == ' ') {
            i++;
        }
        int start = i;
        long ticks = 0;
        while (i < length && stat[i] >= '0' && stat[i] <= '9' && i - start < 18) {
            ticks = ticks * 10 + (stat[i] - '0');
            i++;
        }
        return i == start ? -1 : ticks;
    }

    /** The inode of {@code socket:[INODE]} that {@code fd} links to, 0 for anything else or a closed fd. */
    private long linkInode(Path fd) {
        linksRead++;
        String target;
        try {
            target = Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return 0; // closed meanwhile, or the process exited
        }
        int end = target.length() - 1;
        if (end <= SOCKET_PREFIX.length() || !target.startsWith(SOCKET_PREFIX) || target.charAt(end) != ']') {
            return 0;
        }
        long inode = 0;
        for (int i = SOCKET_PREFIX.length(); i < end; i++) {
            char ch = target.charAt(i);
            if (ch < '0' || ch > '9' || i - SOCKET_PREFIX.length() >= 18) {
                return 0;
            }
            inode = inode * 10 + (ch - '0');
        }
        return inode;
    }

    /**
     * The fd number of {@code /proc/PID/fd/N}, from the path's text: one string per fd, where
     * {@code getFileName().toString()} makes a path, an array and a string (200k fds on a cold scan).
     */
    private static int fdNumber(Path fd) {
        String path = fd.toString();
        int value = 0;
        int digits = 0;
        for (int i = path.length() - 1; i >= 0 && path.charAt(i) != '/'; i--) {
            char ch = path.charAt(i);
            if (ch < '0' || ch > '9' || ++digits > 9) {
                return -1;
            }
            value += (ch - '0') * POWERS_OF_TEN[digits - 1];
        }
        return digits == 0 ? -1 : value;
    }

    /** The number a {@code /proc} or {@code fd} entry name stands for, -1 when it is not all digits ({@code self}, {@code net}). */
    static int number(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    /** One process as last walked: its identity, fd signature and the sockets it held, with their fd numbers. */
    private static final class FdTable {
        final int pid;
        final long startTicks;
        final Path fdDir;
        long signature;
        long walkedAt = -1;
        int count;
        int[] fds = new int[4];
        long[] inodes = new long[4];

        FdTable(int pid, long startTicks, Path fdDir) {
            this.pid = pid;
            this.startTicks = startTicks;
            this.fdDir = fdDir;
        }

        void add(int fd, long inode) {
            if (count == inodes.length) {
                fds = Arrays.copyOf(fds, count * 2);
                inodes = Arrays.copyOf(inodes, count * 2);
            }
            fds[count] = fd;
            inodes[count] = inode;
            count++;
        }
    }
}
