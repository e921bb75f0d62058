package io.portwatch.scan.linux;

import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.TcpQuality;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quality dumps on the live kernel: the ESTABLISHED connections whose remote port the rows judge get their
 * {@code tcp_info} (the kernel's filter lets only those through), every other socket none; figures are the kernel's.
 */
class NetlinkQualityTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void onlyConnectionsToTheJudgedRemotePortsCarryTheirTcpInfo() throws Exception {
        List<AutoCloseable> held = new ArrayList<>();
        try (NetlinkTables tables = NetlinkTables.open(Path.of("/proc/net"))) {
            InetAddress v4 = InetAddress.getByName("127.0.0.1");
            InetAddress v6 = InetAddress.getByName("::1");
            ServerSocket judged = held(held, new ServerSocket(0, 10, v4));
            ServerSocket judged6 = held(held, new ServerSocket(judged.getLocalPort(), 10, v6));
            ServerSocket other = held(held, new ServerSocket(0, 10, v4));
            Socket client = held(held, new Socket(v4, judged.getLocalPort()));
            Socket accepted = held(held, judged.accept());
            Socket client6 = held(held, new Socket(v6, judged6.getLocalPort()));
            held(held, judged6.accept());
            Socket otherClient = held(held, new Socket(v4, other.getLocalPort()));
            held(held, other.accept());
            // ESTABLISHED, never accepted: its socket waits in the accept queue without an inode
            Socket waiting = held(held, new Socket(v4, judged.getLocalPort()));
            exchange(client, accepted, 5000);

            tables.measureQuality(RemotePortFilter.of(List.of(new int[] {judged.getLocalPort(), judged.getLocalPort()})));
            SocketRows rows = new SocketRows(64);
            tables.read(rows, System.nanoTime() + DEADLINE.toNanos());

            SocketEntry c = find(rows, client.getLocalPort(), judged.getLocalPort(), v4);
            TcpQuality q = c.quality();
            assertNotNull(q, "the client of a judged port: " + c);
            assertEquals(5001, q.bytesAcked(), "5000 bytes sent and acknowledged, and the SYN");
            assertTrue(q.segmentsSent() >= 2 && q.rttMicros() > 0, q.toString());
            assertEquals(0, q.unacked());
            assertNotEquals(0, q.cookie());
            assertNotNull(find(rows, client6.getLocalPort(), judged6.getLocalPort(), v6).quality(), "over IPv6 too");
            assertNull(find(rows, judged.getLocalPort(), client.getLocalPort(), v4).quality(),
                    "the accepted side's remote port is not judged");
            assertNull(find(rows, otherClient.getLocalPort(), other.getLocalPort(), v4).quality(), "another port");
            assertEquals(0, find(rows, judged.getLocalPort(), waiting.getLocalPort(), v4).inode(),
                    "a connection still in the accept queue has no inode, and the read goes on");
            assertNotNull(find(rows, waiting.getLocalPort(), judged.getLocalPort(), v4).quality());
            for (int i = 0; i < rows.size(); i++) {
                SocketEntry e = rows.entry(i, SocketEntry.UNKNOWN_PID);
                if (e.quality() != null) {
                    assertEquals(SocketState.ESTABLISHED, e.state(), e.toString());
                    assertEquals(judged.getLocalPort(), e.remotePort(), e.toString());
                }
            }

            tables.measureQuality(null);
            SocketRows unmeasured = new SocketRows(64);
            tables.read(unmeasured, System.nanoTime() + DEADLINE.toNanos());
            assertNull(find(unmeasured, client.getLocalPort(), judged.getLocalPort(), v4).quality(), "no filter, no figures");
        } finally {
            for (AutoCloseable c : held) {
                c.close();
            }
        }
    }

    @Test
    void aSocketKeepsItsCookieFromScanToScan() throws Exception {
        try (NetlinkTables tables = NetlinkTables.open(Path.of("/proc/net"));
             ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
             Socket accepted = server.accept()) {
            tables.measureQuality(RemotePortFilter.of(List.of(new int[] {server.getLocalPort(), server.getLocalPort()})));
            SocketRows first = new SocketRows(64);
            tables.read(first, System.nanoTime() + DEADLINE.toNanos());
            exchange(client, accepted, 1000);
            SocketRows second = new SocketRows(64);
            tables.read(second, System.nanoTime() + DEADLINE.toNanos());
            TcpQuality before = find(first, client.getLocalPort(), server.getLocalPort(), server.getInetAddress()).quality();
            TcpQuality after = find(second, client.getLocalPort(), server.getLocalPort(), server.getInetAddress()).quality();
            assertEquals(before.cookie(), after.cookie());
            assertTrue(after.segmentsSent() > before.segmentsSent(), before + " then " + after);
        }
    }

    private static <T extends AutoCloseable> T held(List<AutoCloseable> held, T c) {
        held.add(c);
        return c;
    }

    /** Sends {@code bytes} from {@code from} and reads them all on {@code to}, so that they are acknowledged. */
    private static void exchange(Socket from, Socket to, int bytes) throws Exception {
        OutputStream out = from.getOutputStream();
        out.write(new byte[bytes]);
        out.flush();
        InputStream in = to.getInputStream();
        int read = 0;
        byte[] buffer = new byte[bytes];
        while (read < bytes) {
            int n = in.read(buffer);
            assertTrue(n > 0);
            read += n;
        }
    }

    private static SocketEntry find(SocketRows rows, int localPort, int remotePort, InetAddress local) {
        for (int i = 0; i < rows.size(); i++) {
            SocketEntry e = rows.entry(i, SocketEntry.UNKNOWN_PID);
            if (e.localPort() == localPort && e.remotePort() == remotePort && e.localAddress().equals(local)) {
                return e;
            }
        }
        throw new AssertionError("no socket " + local + ":" + localPort + " -> " + remotePort);
    }
}
