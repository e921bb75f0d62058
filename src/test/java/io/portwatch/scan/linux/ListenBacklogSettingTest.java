package io.portwatch.scan.linux;

import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.SocketEntry;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code scan.listenBacklog}: {@code ss} tells a real listener's backlog; {@code off} starts no child and leaves it unknown. */
class ListenBacklogSettingTest {

    @Test
    void backlogFromSsOrUnknownWhenOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 7, InetAddress.getLoopbackAddress())) {
            assertEquals(7, listener(new ScanOptions(false, true), server.getLocalPort()).sendQueue());
            assertEquals(SocketEntry.UNKNOWN_QUEUE, listener(new ScanOptions(false, false), server.getLocalPort()).sendQueue());
        }
    }

    private static SocketEntry listener(ScanOptions options, int port) throws Exception {
        return new LinuxSocketSource(options).scan().sockets().stream()
                .filter(s -> s.localPort() == port && s.remotePort() == 0).findFirst().orElseThrow();
    }
}
