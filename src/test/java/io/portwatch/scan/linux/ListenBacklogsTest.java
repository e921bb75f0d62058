package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Listener backlogs: {@code ss -Hltne} output parsed, remembered by inode, and read for real listeners. */
class ListenBacklogsTest {

    @Test
    void capturedSsOutputGivesTheBacklogByInode() throws IOException {
        assertEquals(Map.of(1187L, 128, 1458658L, 1), ListenBacklogs.parse(fixture("ss-Hltne.txt")));
    }

    @Test
    void linesWithoutInodeOrNotListeningAreSkipped() {
        assertEquals(Map.of(7L, 5), ListenBacklogs.parse("LISTEN 0 5 127.0.0.1:80 0.0.0.0:* uid:1000 ino:7 sk:1\n"
                + "LISTEN 0 5 127.0.0.1:81 0.0.0.0:*\nESTAB 0 0 1.2.3.4:5 6.7.8.9:10 ino:8\nLISTEN x 5z a b ino:9\n\n"));
    }

    @Test
    void ssRunsOnlyForListenersNotSeenBefore() {
        AtomicInteger runs = new AtomicInteger();
        ListenBacklogs backlogs = new ListenBacklogs(() -> {
            runs.incrementAndGet();
            return "LISTEN 0 4096 0.0.0.0:80 0.0.0.0:* ino:10 sk:1\n";
        });
        SocketRows rows = rows(10, 11);
        backlogs.fill(rows);
        assertEquals(1, runs.get());
        assertEquals(4096, rows.sendQueue(0));
        assertEquals(SocketEntry.UNKNOWN_QUEUE, rows.sendQueue(1), "not listed (another namespace): unknown");
        SocketRows again = rows(10, 11);
        backlogs.fill(again);
        assertEquals(1, runs.get(), "both remembered, the unknown one too");
        assertEquals(4096, again.sendQueue(0));
        backlogs.fill(rows(10, 12));
        assertEquals(2, runs.get(), "a new listener");
    }

    @Test
    void aFailingSsLeavesBacklogsUnknownAndIsNotRunAgain() {
        AtomicInteger runs = new AtomicInteger();
        ListenBacklogs backlogs = new ListenBacklogs(() -> {
            runs.incrementAndGet();
            throw new IOException("Cannot run program \"ss\": error=2, No such file or directory");
        });
        SocketRows rows = rows(10);
        backlogs.fill(rows);
        backlogs.fill(rows(20));
        assertEquals(SocketEntry.UNKNOWN_QUEUE, rows.sendQueue(0));
        assertEquals(1, runs.get());
    }

    @Test
    void aRealListenerHasItsBacklogFromSs() throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 7);
            Snapshot snapshot = new LinuxSocketSource().scan();
            SocketEntry listener = snapshot.sockets().stream()
                    .filter(s -> s.state() == SocketState.LISTEN && s.localPort() == server.getLocalPort())
                    .findFirst().orElseThrow();
            assertEquals(7, listener.sendQueue());
            assertEquals(0, listener.receiveQueue());
            assertTrue(snapshot.listen().known(), "ListenOverflows/ListenDrops from /proc/net/netstat");
        }
    }

    private static SocketRows rows(long... listenerInodes) {
        SocketRows rows = new SocketRows(4);
        for (long inode : listenerInodes) {
            rows.add(Protocol.TCP, InetAddress.getLoopbackAddress(), 80, InetAddress.getLoopbackAddress(), 0,
                    ProcNetParser.TCP_LISTEN, 0, inode, 0, SocketEntry.UNKNOWN_QUEUE);
        }
        rows.add(Protocol.TCP, InetAddress.getLoopbackAddress(), 80, InetAddress.getLoopbackAddress(), 5000, 1, 0, 99,
                0, 0);
        return rows;
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = ListenBacklogsTest.class.getResourceAsStream("ListenBacklogsTest/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
