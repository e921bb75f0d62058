package io.portwatch.history;

import static io.portwatch.testing.Sockets.listen;
import static io.portwatch.testing.Sockets.process;
import static io.portwatch.testing.SnapshotBuilder.snapshot;
import static io.portwatch.testing.Sockets.tcp;
import static io.portwatch.testing.Sockets.udp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

class ChangeTrackerTest {

    private static final ProcessInfo NGINX = process(100, "nginx", "www-data", "/usr/sbin/nginx");
    private static final ProcessInfo CURL = process(200, "curl", "alice", "/usr/bin/curl");
    private final ChangeTracker tracker = new ChangeTracker();

    private List<String> next(String at, List<SocketEntry> sockets, ProcessInfo... owners) {
        return tracker.next(snapshot(at, sockets, owners)).stream().map(SocketEvent::describe).collect(Collectors.toList());
    }

    @Test
    void firstSnapshotIsTheBaselineAndGivesNoEvents() {
        assertFalse(tracker.hasBaseline());
        assertEquals(List.of(), next("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
        assertTrue(tracker.hasBaseline());
        assertEquals(List.of(), next("2026-11-22T10:00:15Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
    }

    @Test
    void listenerAppearingAndDisappearingIsListenAndUnlisten() {
        next("2026-11-22T10:00:00Z", List.of());
        assertEquals(List.of("2026-11-22T10:00:15.000Z listen tcp 0.0.0.0:80 -> 0.0.0.0:0 LISTEN pid 100 nginx (www-data)"),
                next("2026-11-22T10:00:15Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX));
        assertEquals(List.of("2026-11-22T10:00:30.000Z unlisten tcp 0.0.0.0:80 -> 0.0.0.0:0 LISTEN pid 100 nginx (www-data)"),
                next("2026-11-22T10:00:30Z", List.of()));
    }

    @Test
    void boundUdpSocketIsAListener() {
        next("2026-11-22T10:00:00Z", List.of());
        assertEquals(List.of("2026-11-22T10:00:15.000Z listen udp 0.0.0.0:53 -> 0.0.0.0:0 UNCONN pid 100 nginx (www-data)"),
                next("2026-11-22T10:00:15Z", List.of(udp("0.0.0.0", 53, 12, 100)), NGINX));
    }

    @Test
    void connectionOpensChangesStateAndCloses() {
        next("2026-11-22T10:00:00Z", List.of());
        assertEquals(List.of("2026-11-22T10:00:15.000Z open tcp 10.0.0.5:40000 -> 93.184.216.34:443 SYN_SENT pid 200 curl (alice)"),
                next("2026-11-22T10:00:15Z", List.of(tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.SYN_SENT, 21, 200)), CURL));
        assertEquals(List.of("2026-11-22T10:00:30.000Z state tcp 10.0.0.5:40000 -> 93.184.216.34:443 SYN_SENT -> ESTABLISHED pid 200 curl (alice)"),
                next("2026-11-22T10:00:30Z", List.of(tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.ESTABLISHED, 21, 200)), CURL));
        assertEquals(List.of("2026-11-22T10:00:45.000Z close tcp 10.0.0.5:40000 -> 93.184.216.34:443 ESTABLISHED pid 200 curl (alice)"),
                next("2026-11-22T10:00:45Z", List.of()));
    }

    @Test
    void timeWaitWithoutInodeOrOwnerIsAStateChangeOfTheSameSocketKeepingItsOwner() {
        next("2026-11-22T10:00:00Z", List.of(tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.ESTABLISHED, 21, 200)), CURL);
        assertEquals(List.of("2026-11-22T10:00:15.000Z state tcp 10.0.0.5:40000 -> 93.184.216.34:443 ESTABLISHED -> TIME_WAIT pid 200 curl (alice)"),
                next("2026-11-22T10:00:15Z", List.of(tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.TIME_WAIT, 0, -1))));
        assertEquals(List.of("2026-11-22T10:00:30.000Z close tcp 10.0.0.5:40000 -> 93.184.216.34:443 TIME_WAIT"),
                next("2026-11-22T10:00:30Z", List.of()));
    }

    /** Two containers each with a TIME_WAIT (no inode) between the same addresses: two sockets, not one. */
    @Test
    void sameAddressesInTwoNamespacesAreTwoSockets() {
        SocketEntry inA = inNamespace(tcp("127.0.0.1", 40000, "127.0.0.1", 8080, SocketState.TIME_WAIT, 0, -1), 4026532001L, "a");
        SocketEntry inB = inNamespace(tcp("127.0.0.1", 40000, "127.0.0.1", 8080, SocketState.TIME_WAIT, 0, -1), 4026532002L, "b");
        next("2026-11-22T10:00:00Z", List.of(inA, inB));
        assertEquals(List.of(), next("2026-11-22T10:00:15Z", List.of(inA, inB)));
        assertEquals(List.of("2026-11-22T10:00:30.000Z close tcp 127.0.0.1:40000 -> 127.0.0.1:8080 TIME_WAIT"),
                next("2026-11-22T10:00:30Z", List.of(inB)));
        assertEquals(List.of("2026-11-22T10:00:45.000Z open tcp 127.0.0.1:40000 -> 127.0.0.1:8080 TIME_WAIT"),
                next("2026-11-22T10:00:45Z", List.of(inA, inB)));
    }

    private static SocketEntry inNamespace(SocketEntry s, long inode, String name) {
        return new SocketEntry(s.protocol(), s.localAddress(), s.localPort(), s.remoteAddress(), s.remotePort(), s.state(),
                s.inode(), s.uid(), s.pid(), new NetNamespace(inode, name, false));
    }

    @Test
    void sameAddressesWithAnotherInodeAreOneSocketClosingAndAnotherOpening() {
        next("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX);
        assertEquals(List.of("2026-11-22T10:00:15.000Z unlisten tcp 0.0.0.0:80 -> 0.0.0.0:0 LISTEN pid 100 nginx (www-data)",
                        "2026-11-22T10:00:15.000Z listen tcp 0.0.0.0:80 -> 0.0.0.0:0 LISTEN pid 100 nginx (www-data)"),
                next("2026-11-22T10:00:15Z", List.of(listen("0.0.0.0", 80, 12, 100)), NGINX));
    }

    @Test
    void reusePortListenersOnOneAddressAreDistinctSockets() {
        next("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX);
        assertEquals(List.of("2026-11-22T10:00:15.000Z listen tcp 0.0.0.0:80 -> 0.0.0.0:0 LISTEN pid 100 nginx (www-data)"),
                next("2026-11-22T10:00:15Z", List.of(listen("0.0.0.0", 80, 11, 100), listen("0.0.0.0", 80, 12, 100)), NGINX));
    }

    @Test
    void anotherOwnerAloneIsNoEvent() {
        next("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 80, 11, 100)), NGINX);
        assertEquals(List.of(), next("2026-11-22T10:00:15Z", List.of(listen("0.0.0.0", 80, 11, 200)), CURL));
        assertEquals(List.of(), next("2026-11-22T10:00:30Z", List.of(listen("0.0.0.0", 80, 11, -1))));
    }

    @Test
    void eventsOfOneScanAreOrderedBySocket() {
        next("2026-11-22T10:00:00Z", List.of(listen("0.0.0.0", 8080, 13, 100)), NGINX);
        List<String> events = next("2026-11-22T10:00:15Z", List.of(listen("0.0.0.0", 80, 11, 100),
                tcp("10.0.0.5", 40000, "93.184.216.34", 443, SocketState.ESTABLISHED, 21, 200), udp("0.0.0.0", 53, 12, 100)),
                NGINX, CURL);
        assertEquals(List.of("2026-11-22T10:00:15.000Z listen tcp 0.0.0.0:80 -> 0.0.0.0:0 LISTEN pid 100 nginx (www-data)",
                "2026-11-22T10:00:15.000Z unlisten tcp 0.0.0.0:8080 -> 0.0.0.0:0 LISTEN pid 100 nginx (www-data)",
                "2026-11-22T10:00:15.000Z open tcp 10.0.0.5:40000 -> 93.184.216.34:443 ESTABLISHED pid 200 curl (alice)",
                "2026-11-22T10:00:15.000Z listen udp 0.0.0.0:53 -> 0.0.0.0:0 UNCONN pid 100 nginx (www-data)"), events);
    }
}
