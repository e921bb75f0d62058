package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link SeqFileInput}: the end of a {@code /proc/net} table seen without the last read, and never a line lost. */
class SeqFileInputTest {

    /**
     * The real kernel: this JVM's listeners, added one at a time until the table spans several pages, so that its
     * last read ends at every length; after each, the table read through {@link SeqFileInput} holds every one of
     * them (a rule that took a full page for the end would lose the lines after it).
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void everyLineOfARealTableIsReadWhateverLengthItsLastReadHas() throws IOException {
        List<ServerSocket> servers = new ArrayList<>();
        List<DatagramSocket> udp = new ArrayList<>();
        try {
            for (int i = 0; i < 90; i++) {
                ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                servers.add(server);
                DatagramSocket datagram = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                udp.add(datagram);
                // Java's sockets are IPv6 ones (127.0.0.1 v4-mapped) unless IPv4 is preferred: look in both tables
                assertAllPresent("tcp", servers.stream().map(ServerSocket::getLocalPort).toList());
                assertAllPresent("udp", udp.stream().map(DatagramSocket::getLocalPort).toList());
            }
        } finally {
            for (ServerSocket s : servers) {
                s.close();
            }
            udp.forEach(DatagramSocket::close);
        }
    }

    private static void assertAllPresent(String protocol, List<Integer> ports) throws IOException {
        Set<Integer> missing = new TreeSet<>(ports);
        StringBuilder sizes = new StringBuilder();
        for (String name : List.of(protocol, protocol + "6")) {
            Path table = Path.of("/proc/self/net", name);
            String text;
            try (InputStream in = new SeqFileInput(Files.newInputStream(table))) {
                text = new String(readAll(in, 1 << 18), StandardCharsets.US_ASCII);
            }
            assertTrue(text.stripLeading().startsWith("sl "), () -> String.format(Locale.ROOT, "%s: no header: %.80s", table, text));
            sizes.append(' ').append(name).append(' ').append(text.length()).append(" bytes");
            for (String line : text.split("\n")) {
                String[] fields = line.trim().split(" +");
                int colon = fields.length > 2 ? fields[1].indexOf(':') : -1;
                if (colon > 0 && fields[1].substring(0, colon).endsWith("0100007F")) {
                    missing.remove(Integer.parseInt(fields[1].substring(colon + 1), 16));
                }
            }
        }
        assertTrue(missing.isEmpty(), () -> protocol + " tables read through SeqFileInput (" + sizes
                + ") lack the sockets on ports " + missing);
    }

    /** The kernel's way, scripted: blocks of at most a page, then an empty read that the rule must not make. */
    @Test
    void aShortReadIsTheEndAndTheEmptyReadIsNotMade() throws IOException {
        ScriptedTable table = new ScriptedTable(4050, 4050, 1200);
        byte[] all = readAll(new SeqFileInput(table), 1 << 18);
        assertEquals(9300, all.length);
        assertEquals(3, table.reads, "the read after the short 1200 bytes was made");
    }

    @Test
    void aLastReadNearlyAPageLongIsFollowedByARealOne() throws IOException {
        ScriptedTable table = new ScriptedTable(4050, SeqFileInput.SHORT_READ);
        assertEquals(4050 + SeqFileInput.SHORT_READ, readAll(new SeqFileInput(table), 1 << 18).length);
        assertEquals(3, table.reads, "a read of " + SeqFileInput.SHORT_READ + " bytes proves nothing: ask again");
    }

    @Test
    void aReadThatAskedForLessThanAPageProvesNothing() throws IOException {
        ScriptedTable table = new ScriptedTable(100, 100);
        assertEquals(200, readAll(new SeqFileInput(table), 1000).length);
        assertEquals(3, table.reads);
    }

    @Test
    void anEmptyTableIsOneRead() throws IOException {
        ScriptedTable table = new ScriptedTable();
        assertEquals(0, readAll(new SeqFileInput(table), 1 << 18).length);
        assertEquals(1, table.reads);
    }

    private static byte[] readAll(InputStream in, int request) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[request];
        for (int n; (n = in.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    /** A stream that answers each read with the next block's length (capped by the request), then -1; counts reads. */
    private static final class ScriptedTable extends InputStream {
        private final Deque<Integer> blocks = new ArrayDeque<>();
        int reads;

        ScriptedTable(int... blockLengths) {
            for (int length : blockLengths) {
                blocks.add(length);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            if (blocks.isEmpty()) {
                return -1;
            }
            int n = Math.min(len, blocks.poll());
            java.util.Arrays.fill(b, off, off + n, (byte) 'x');
            return n;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }
    }
}
