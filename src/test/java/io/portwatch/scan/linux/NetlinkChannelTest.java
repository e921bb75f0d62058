package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** {@link JnaSockDiagChannel} on the live kernel: the deadline bounds a receive, a dump ends, close is idempotent. */
class NetlinkChannelTest {

    /** Not a time window: a receive bounded at 200 ms returns long before this, one that blocks never does. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    /** Bytes a read may allocate on average: see {@link #readingTheTablesAgainAllocatesNothingButNewAddresses}. */
    private static final long SLACK_BYTES_PER_READ = 64;

    @Test
    void aReceiveWithNothingToReadReturnsOnceTheDeadlinePassedInsteadOfBlocking() throws Exception {
        try (JnaSockDiagChannel channel = JnaSockDiagChannel.open()) {
            int n = assertTimeoutPreemptively(GENEROUS,
                    () -> channel.receive(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200)));
            assertEquals(-1, n);
            assertEquals(-1, channel.receive(System.nanoTime() - 1), "a deadline already passed");
        }
    }

    @Test
    void aTcpDumpOverTheRealSocketHasAListenerWithItsBacklogAndEndsWithDone() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 3, InetAddress.getByName("127.0.0.1"));
             JnaSockDiagChannel channel = JnaSockDiagChannel.open()) {
            assertEquals(JnaSockDiagChannel.BUFFER_BYTES, channel.buffer().capacity());
            channel.send(new SockDiagRequest(ByteOrder.nativeOrder()).build(SockDiagDump.TCP_IPV6, 7));
            SockDiagParser parser = new SockDiagParser();
            parser.begin(SockDiagDump.TCP_IPV6);
            SocketRows rows = new SocketRows(64);
            long deadline = System.nanoTime() + GENEROUS.toNanos();
            boolean done = false;
            while (!done) {
                int n = channel.receive(deadline);
                assertTrue(n >= 0 && n <= channel.buffer().capacity(), "a datagram within the buffer: " + n);
                done = parser.parse(channel.buffer(), n, rows);
            }
            boolean found = false;
            for (int i = 0; i < rows.size(); i++) {
                io.portwatch.scan.SocketEntry e = rows.entry(i, io.portwatch.scan.SocketEntry.UNKNOWN_PID);
                if (e.localPort() == listener.getLocalPort()) {
                    found = true;
                    assertEquals(3, e.sendQueue(), "the backlog of listen(3)");
                }
            }
            assertTrue(found, "the listener on port " + listener.getLocalPort());
        }
    }

    /**
     * The rule "no allocation per message beyond the rows", for the receive half: {@code recv} is called once
     * per datagram (800 times for 200k sockets), so it must not box its arguments as a JNA proxy call does. Measured
     * on the thread's allocated bytes over many receives of real dumps (each of a listener of this test), after
     * a warm-up so that no class is loaded on the way.
     */
    @Test
    void receivingADatagramAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (ServerSocket listener = new ServerSocket(0, 3, InetAddress.getByName("127.0.0.1"));
             JnaSockDiagChannel channel = JnaSockDiagChannel.open()) {
            SockDiagRequest requests = new SockDiagRequest(ByteOrder.nativeOrder());
            SockDiagParser parser = new SockDiagParser();
            SocketRows rows = new SocketRows(1 << 16);
            long deadline = System.nanoTime() + GENEROUS.toNanos();
            long inReceive = 0;
            int received = 0;
            for (int dump = 0; dump < 300; dump++) {
                channel.send(requests.build(SockDiagDump.TCP_IPV4, dump + 1));
                parser.begin(SockDiagDump.TCP_IPV4);
                boolean done = false;
                while (!done) {
                    long before = threads.getCurrentThreadAllocatedBytes();
                    int n = channel.receive(deadline);
                    long after = threads.getCurrentThreadAllocatedBytes();
                    assertTrue(n >= 0 && n <= channel.buffer().capacity(), "a datagram within the buffer: " + n);
                    if (dump >= 100) { // the first ones warm up
                        inReceive += after - before;
                        received++;
                    }
                    done = parser.parse(channel.buffer(), n, rows);
                }
                rows.truncate(0);
            }
            assertTrue(received >= 200, "datagrams received: " + received);
            assertEquals(0, inReceive, "bytes allocated by " + received + " receives of the listener on port "
                    + listener.getLocalPort());
        }
    }

    /**
     * The same rule for a whole read of the four tables, requests included: once the rows' arrays are large enough
     * and every address has been seen, reading the tables again allocates nothing (the {@code /proc} reader
     * allocates its buffers per table). The bound is an average per read, with room for an address first seen while
     * the test reads (other tests open sockets) or a deoptimization's objects, far below the ~1 KB that boxed JNA
     * proxy calls cost per read (four requests, a datagram each at least).
     */
    @Test
    void readingTheTablesAgainAllocatesNothingButNewAddresses() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (NetlinkTables tables = NetlinkTables.open(Path.of("/proc/net"))) {
            SocketRows rows = new SocketRows(1 << 18);
            long allocated = 0;
            int reads = 0;
            for (int i = 0; i < 150; i++) {
                rows.truncate(0);
                long before = threads.getCurrentThreadAllocatedBytes();
                tables.read(rows, System.nanoTime() + GENEROUS.toNanos());
                long after = threads.getCurrentThreadAllocatedBytes();
                if (i >= 50) { // the first ones warm up
                    allocated += after - before;
                    reads++;
                }
            }
            assertTrue(rows.size() > 0, "the tables have this JVM's sockets at least");
            assertTrue(allocated <= SLACK_BYTES_PER_READ * reads, "bytes allocated by " + reads + " reads of "
                    + rows.size() + " sockets: " + allocated);
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        JnaSockDiagChannel channel = JnaSockDiagChannel.open();
        channel.close();
        channel.close();
    }
}
