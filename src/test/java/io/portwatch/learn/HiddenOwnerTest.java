package io.portwatch.learn;

import io.portwatch.scan.SocketEntry;
import io.portwatch.testing.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link HiddenOwner}: why learn cannot name an owner, from the socket's inode and uid and learn's uid. The real
 * cases (another user, another PID namespace) run in {@code LearnHintsIT}.
 */
class HiddenOwnerTest {

    @TempDir
    Path dir;

    @Test
    void anOwnerHiddenByPermissionsSaysSoAndToRunAsRoot() {
        SocketEntry rootsSocket = Sockets.listen("tcp", "0.0.0.0", 22, 7, SocketEntry.UNKNOWN_PID);
        assertEquals("permissions: the socket is uid 0's and learn runs as uid 1001; run learn as root to name it",
                HiddenOwner.why(rootsSocket, 1001));
    }

    @Test
    void anOwnerHiddenToRootIsInAnotherPidNamespaceAndRootIsNotToldToRunAsRoot() {
        SocketEntry socket = Sockets.listen("tcp", "0.0.0.0", 8080, 7, SocketEntry.UNKNOWN_PID);
        String why = HiddenOwner.why(socket, 0);
        assertTrue(why.startsWith("another PID namespace: no process under this namespace's /proc holds the socket"),
                why);
        assertFalse(why.contains("as root"), why);
        assertEquals(why, HiddenOwner.why(uid(socket, 1001), 1001), "a user's own socket: not permissions");
    }

    @Test
    void aListenerOfInodeZeroIsTheKernels() {
        SocketEntry nfs = Sockets.listen("tcp", "0.0.0.0", 2049, 0, SocketEntry.UNKNOWN_PID);
        assertEquals("a kernel socket, no process holds it", HiddenOwner.why(nfs, 1001));
    }

    @Test
    void theEffectiveUidIsTheSecondUidField() throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nUid:\t1001\t0\t0\t0\n");
        assertEquals(0, HiddenOwner.effectiveUid(status));
        assertEquals(HiddenOwner.UNKNOWN_UID, HiddenOwner.effectiveUid(dir.resolve("missing")));
    }

    private static SocketEntry uid(SocketEntry s, int uid) {
        return new SocketEntry(s.protocol(), s.localAddress(), s.localPort(), s.remoteAddress(), s.remotePort(),
                s.state(), s.inode(), uid, s.pid());
    }
}
