package io.portwatch.scan.linux;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Finds which process holds each socket, by reading every process's file descriptor links:
 * {@code /proc/PID/fd/N -> socket:[INODE]}. This is the only place that walks the fds, so that a cache
 * can be added here.
 *
 * <p>A process that exits during the walk is skipped; one whose {@code fd} directory cannot be read
 * (another user's process, when not running as root) is skipped too, so its sockets stay without an
 * owner. Neither is an error. A socket held by several processes (inherited across {@code fork}) is
 * given to the lowest pid, so that the answer does not depend on directory order.
 */
final class SocketOwners {

    private static final System.Logger LOG = System.getLogger(SocketOwners.class.getName());
    private static final String SOCKET_PREFIX = "socket:[";

    /**
     * Opens a directory for listing. {@link Files#newDirectoryStream(Path)} in production; a seam so
     * that tests can make an {@code fd} directory unreadable even when they run as root.
     */
    @FunctionalInterface
    interface DirectoryOpener {
        DirectoryStream<Path> open(Path dir) throws IOException;
    }

    private final Path procRoot;
    private final DirectoryOpener opener;

    SocketOwners(Path procRoot, DirectoryOpener opener) {
        this.procRoot = procRoot;
        this.opener = opener;
    }

    /**
     * The lowest pid holding each of {@code inodes}; inodes no visible process holds are absent.
     */
    Map<Long, Integer> find(Set<Long> inodes) {
        Map<Long, Integer> owners = new HashMap<>();
        if (inodes.isEmpty()) {
            return owners;
        }
        try (DirectoryStream<Path> processes = opener.open(procRoot)) {
            for (Path processDir : processes) {
                int pid = pid(processDir.getFileName().toString());
                if (pid > 0) {
                    addSocketsOf(pid, processDir.resolve("fd"), inodes, owners);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // the socket tables were readable, so this is odd; every socket stays without owner
            LOG.log(Level.WARNING, "cannot list the processes in " + procRoot + ", socket owners are unknown: " + e);
        }
        return owners;
    }

    private void addSocketsOf(int pid, Path fdDir, Set<Long> inodes, Map<Long, Integer> owners) {
        try (DirectoryStream<Path> fds = opener.open(fdDir)) {
            for (Path fd : fds) {
                long inode = socketInode(fd);
                if (inode > 0 && inodes.contains(inode)) {
                    owners.merge(inode, pid, Math::min);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // NoSuchFileException: the process has exited; AccessDeniedException: not ours to see.
            // Either way its sockets keep an unknown owner.
        }
    }

    /** The inode of {@code socket:[INODE]} that {@code fd} links to, 0 for anything else or a closed fd. */
    private static long socketInode(Path fd) {
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
            if (ch < '0' || ch > '9') {
                return 0;
            }
            inode = inode * 10 + (ch - '0');
        }
        return inode;
    }

    /** The pid a {@code /proc} entry name stands for, -1 when it is not all digits ({@code self}, {@code net}). */
    private static int pid(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return -1;
        }
        int pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            pid = pid * 10 + (ch - '0');
        }
        return pid;
    }
}
