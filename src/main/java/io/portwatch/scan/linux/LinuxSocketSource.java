package io.portwatch.scan.linux;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Sockets of a Linux host from {@code /proc}, without native code:
 * <ol>
 *   <li>the socket tables {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}
 *       ({@link ProcNetParser}); a missing {@code tcp6}, {@code udp} or {@code udp6} means no sockets of that
 *       kind (a kernel without IPv6), a missing or unreadable {@code tcp} is an error;</li>
 *   <li>the owner of each socket inode from the {@code /proc/PID/fd} links ({@link SocketOwners});
 *       sockets without inode (TIME_WAIT, orphaned FIN_WAIT2) and sockets of processes this user may not
 *       look into keep pid {@link SocketEntry#UNKNOWN_PID};</li>
 *   <li>each owning process from {@code /proc/PID} ({@link ProcessReader}). A process that exits before
 *       it is read leaves its sockets without owner.</li>
 * </ol>
 * The {@code proc} root and passwd file can be given, for tests on a fixture tree and for a host's
 * {@code /proc} mounted elsewhere (a container watching its host). Not thread-safe: one scan at a time.
 */
public final class LinuxSocketSource implements SocketSource {

    private static final int READ_BUFFER_CHARS = 1 << 16;

    private final Path procRoot;
    private final ProcNetParser parser = new ProcNetParser();
    private final SocketOwners owners;
    private final ProcessReader processes;

    /** Reads {@code /proc} and {@code /etc/passwd}. */
    public LinuxSocketSource() {
        this(Path.of("/proc"), Path.of("/etc/passwd"));
    }

    /**
     * Reads another {@code proc} tree.
     *
     * @param procRoot   directory laid out like {@code /proc}
     * @param passwdFile file laid out like {@code /etc/passwd}, for user names; may be missing
     */
    public LinuxSocketSource(Path procRoot, Path passwdFile) {
        this(procRoot, passwdFile, Files::newDirectoryStream);
    }

    /** For testing only: {@code opener} lists {@code procRoot} and the {@code fd} directories. */
    LinuxSocketSource(Path procRoot, Path passwdFile, SocketOwners.DirectoryOpener opener) {
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        this.owners = new SocketOwners(procRoot, Objects.requireNonNull(opener, "opener"));
        this.processes = new ProcessReader(procRoot, Objects.requireNonNull(passwdFile, "passwdFile"));
    }

    @Override
    public Snapshot scan() throws IOException {
        Instant takenAt = Instant.now();
        long start = System.nanoTime();

        List<SocketEntry> sockets = new ArrayList<>();
        readTable("tcp", Protocol.TCP, true, sockets);
        readTable("tcp6", Protocol.TCP, false, sockets);
        readTable("udp", Protocol.UDP, false, sockets);
        readTable("udp6", Protocol.UDP, false, sockets);

        Set<Long> inodes = new HashSet<>();
        for (SocketEntry socket : sockets) {
            if (socket.inode() != 0) {
                inodes.add(socket.inode());
            }
        }
        Map<Long, Integer> ownerByInode = owners.find(inodes);

        Map<Integer, ProcessInfo> processInfos = new HashMap<>();
        Set<Integer> gone = new HashSet<>();
        for (int i = 0; i < sockets.size(); i++) {
            SocketEntry socket = sockets.get(i);
            Integer pid = socket.inode() == 0 ? null : ownerByInode.get(socket.inode());
            if (pid == null || gone.contains(pid)) {
                continue;
            }
            if (!processInfos.containsKey(pid)) {
                ProcessInfo info = processes.read(pid).orElse(null);
                if (info == null) {
                    gone.add(pid);
                    continue;
                }
                processInfos.put(pid, info);
            }
            sockets.set(i, socket.withPid(pid));
        }
        return new Snapshot(takenAt, Duration.ofNanos(System.nanoTime() - start), sockets, processInfos);
    }

    @Override
    public String name() {
        return "linux";
    }

    private void readTable(String name, Protocol protocol, boolean required, List<SocketEntry> out)
            throws IOException {
        Path file = procRoot.resolve("net").resolve(name);
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.ISO_8859_1), READ_BUFFER_CHARS)) {
            parser.parse(protocol, in, out);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IOException("cannot read socket table " + file + ": no such file", e);
            }
        } catch (IOException e) {
            throw new IOException("cannot read socket table " + file + ": " + reason(e), e);
        } catch (IllegalArgumentException e) {
            throw new IOException("malformed socket table " + file + ", " + e.getMessage(), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException) {
            String reason = ((FileSystemException) e).getReason();
            return reason != null ? reason : e.getClass().getSimpleName();
        }
        return String.valueOf(e.getMessage());
    }
}
