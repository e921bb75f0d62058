package io.portwatch.learn;

import io.portwatch.scan.SocketEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Why {@code learn} cannot name a socket's owner, from what is knowable: the socket's inode and uid, and the uid
 * learn runs as. A listener of inode 0 is the kernel's (no process holds it); another user's socket, to learn run by
 * anyone but root, is hidden by permissions; any other socket whose owner was not found under this PID namespace's
 * {@code /proc} belongs to a process in another PID namespace (a container host's sandbox, a container seen from
 * beside it), where no privilege here names it — so the hint never tells root to run as root.
 */
public final class HiddenOwner {

    /** The uid learn runs as when it cannot be read (not Linux). */
    public static final int UNKNOWN_UID = -1;

    private HiddenOwner() {
    }

    /** Why the owner of {@code socket} is not visible to learn running as {@code learnerUid}: one phrase. */
    public static String why(SocketEntry socket, int learnerUid) {
        if (socket.inode() == 0) {
            return "a kernel socket, no process holds it";
        }
        if (learnerUid == UNKNOWN_UID) {
            return "another user's process (run learn as root) or one in another PID namespace";
        }
        if (learnerUid != 0 && socket.uid() >= 0 && socket.uid() != learnerUid) {
            return "permissions: the socket is uid " + socket.uid() + "'s and learn runs as uid " + learnerUid
                    + "; run learn as root to name it";
        }
        return "another PID namespace: no process under this namespace's /proc holds the socket (a container or"
                + " sandbox); run learn in the owner's PID namespace to name it";
    }

    /** The effective uid of this process, from {@code /proc/self/status}; {@link #UNKNOWN_UID} when unreadable. */
    public static int effectiveUid() {
        return effectiveUid(Path.of("/proc/self/status"));
    }

    static int effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    String[] ids = line.substring("Uid:".length()).trim().split("\\s+");
                    return ids.length > 1 ? Integer.parseInt(ids[1]) : UNKNOWN_UID;
                }
            }
        } catch (IOException | RuntimeException e) {
            return UNKNOWN_UID;
        }
        return UNKNOWN_UID;
    }
}
