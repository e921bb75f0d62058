package io.portwatch.scan.windows;

import com.sun.jna.Memory;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.linux.LinuxSocketSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One capture of {@link WineCaptureTest}, from its directory: the four IP Helper tables ({@code tcp4.hex},
 * {@code tcp6.hex}, {@code udp4.hex}, {@code udp6.hex}: hex bytes, {@code #} comments) decoded by {@link MibTables},
 * and the same namespace's {@code proc/net/{tcp,tcp6,udp,udp6}} read by the Linux source.
 *
 * @param tables   the decoded rows by table name ({@code tcp4} ... {@code udp6})
 * @param fromProc the sockets the Linux parser reads from the {@code /proc} copies
 */
record CapturedTables(Map<String, List<SocketEntry>> tables, List<SocketEntry> fromProc) {

    static final List<String> NAMES = List.of("tcp4", "tcp6", "udp4", "udp6");

    static CapturedTables read(Path dir) throws IOException {
        Map<String, List<SocketEntry>> tables = new LinkedHashMap<>();
        for (String name : NAMES) {
            byte[] bytes = hex(dir.resolve(name + ".hex"));
            Memory memory = new Memory(Math.max(1, bytes.length));
            memory.write(0, bytes, 0, bytes.length);
            switch (name) {
                case "tcp4": tables.put(name, MibTables.tcp4(memory, bytes.length)); break;
                case "tcp6": tables.put(name, MibTables.tcp6(memory, bytes.length)); break;
                case "udp4": tables.put(name, MibTables.udp4(memory, bytes.length)); break;
                default: tables.put(name, MibTables.udp6(memory, bytes.length)); break;
            }
        }
        List<SocketEntry> fromProc = new LinuxSocketSource(dir.resolve("proc"), dir.resolve("no-passwd")).scan().sockets();
        return new CapturedTables(tables, fromProc);
    }

    /** Every decoded row, all four tables. */
    List<SocketEntry> decoded() {
        List<SocketEntry> all = new ArrayList<>();
        tables.values().forEach(all::addAll);
        return all;
    }

    /** The decoders and the Linux parser see the same sockets (protocol, addresses ignoring scope, ports, state). */
    void assertSameAsProc() {
        assertEquals(String.join("\n", keys(fromProc)), String.join("\n", keys(decoded())),
                "the IP Helper tables decoded (actual) against the /proc/net files parsed (expected)");
    }

    /**
     * Every kind of socket {@link WineCaptureSockets} opens is in its table, so that agreeing on too little (an
     * empty capture) cannot pass.
     */
    void assertHoldsTheTestSockets() {
        assertHas("tcp4", "tcp 127.0.0.1:\\d+ -> 0.0.0.0:0 LISTEN", 1);
        assertHas("tcp4", "tcp 127.0.0.1:\\d+ -> 127.0.0.1:\\d+ ESTABLISHED", 3); // both ends, and the accepted IPv4-mapped one
        assertHas("tcp4", "tcp 127.0.0.1:\\d+ -> 127.0.0.1:\\d+ TIME_WAIT", 1);
        assertHas("tcp6", "tcp 127.0.0.1:\\d+ -> 127.0.0.1:\\d+ ESTABLISHED", 1); // the IPv4-mapped client
        assertHas("tcp6", "tcp \\[::1\\]:\\d+ -> \\[::\\]:0 LISTEN", 1);
        assertHas("tcp6", "tcp \\[fe80::1\\]:\\d+ -> \\[::\\]:0 LISTEN", 1);
        assertHas("tcp6", "tcp \\[::\\]:\\d+ -> \\[::\\]:0 LISTEN", 1);
        assertHas("tcp6", "tcp \\[::1\\]:\\d+ -> \\[::1\\]:\\d+ ESTABLISHED", 2);
        assertHas("udp4", "udp 127.0.0.1:\\d+ -> 0.0.0.0:0 UNCONN", 1);
        assertHas("udp6", "udp \\[::1\\]:\\d+ -> \\[::\\]:0 UNCONN", 1);
        assertHas("udp6", "udp \\[fe80::1\\]:\\d+ -> \\[::\\]:0 UNCONN", 1);
    }

    private void assertHas(String table, String regex, int atLeast) {
        long found = keys(tables.get(table)).stream().filter(k -> k.matches(regex)).count();
        assertTrue(found >= atLeast, table + ": expected at least " + atLeast + " rows like " + regex + ", found "
                + found + " in " + keys(tables.get(table)));
    }

    /**
     * Only link-local addresses keep a scope id: wine gives {@code ::1} one (4096) and IPv4-mapped addresses
     * 0xFFFFFFFF, Windows none; {@code ::1} prints as {@code [::1]}, link-local as {@code [fe80::1%8192]}.
     */
    void assertOnlyLinkLocalKeepsAScope() {
        int linkLocal = 0;
        for (SocketEntry s : decoded()) {
            for (InetAddress a : List.of(s.localAddress(), s.remoteAddress())) {
                boolean scoped = a instanceof Inet6Address && ((Inet6Address) a).getScopeId() != 0;
                assertEquals(a.isLinkLocalAddress(), scoped, "scope of " + a + " in " + s);
                linkLocal += scoped ? 1 : 0;
            }
            if (s.localAddress().isLoopbackAddress() && s.localAddress() instanceof Inet6Address) {
                assertTrue(s.toString().contains("[::1]:"), s.toString());
            }
            assertFalse(!s.localAddress().isLinkLocalAddress() && s.toString().contains("%"), s.toString());
        }
        assertTrue(linkLocal >= 2, "link-local rows with their scope: " + linkLocal);
    }

    /** Protocol, addresses without scope, ports and state: what the two readings must agree on (pids differ). */
    static List<String> keys(List<SocketEntry> sockets) {
        List<String> keys = new ArrayList<>();
        for (SocketEntry s : sockets) {
            keys.add(s.protocol().label() + " " + Addresses.format(unscoped(s.localAddress()), s.localPort()) + " -> "
                    + Addresses.format(unscoped(s.remoteAddress()), s.remotePort()) + " " + s.state());
        }
        keys.sort(null);
        return keys;
    }

    private static InetAddress unscoped(InetAddress a) {
        return a instanceof Inet6Address ? Addresses.fromBytes(a.getAddress()) : a;
    }

    /** The bytes of a hex file: whitespace-separated hex bytes, {@code #} starts a comment. */
    static byte[] hex(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            lineNumber++;
            int hash = line.indexOf('#');
            String data = (hash >= 0 ? line.substring(0, hash) : line).trim();
            for (String b : data.isEmpty() ? new String[0] : data.split("\\s+")) {
                if (!b.matches("[0-9a-fA-F]{2}")) {
                    throw new IOException(file + ":" + lineNumber + ": expecting a hex byte (found \"" + b + "\")");
                }
                out.write(Integer.parseInt(b, 16));
            }
        }
        return out.toByteArray();
    }

    /**
     * A raw table as a hex file: the comment lines, the row count, then one row a line; {@code rowSize} from
     * {@link MibTables}, the rest of a table that does not divide evenly on one last line.
     */
    static String toHex(byte[] table, int rowSize, List<String> comments) {
        StringBuilder s = new StringBuilder();
        for (String c : comments) {
            s.append("# ").append(c).append('\n');
        }
        int at = 0;
        while (at < table.length) {
            int end = at == 0 ? Math.min(MibTables.FIRST_ROW, table.length) : Math.min(at + rowSize, table.length);
            for (int i = at; i < end; i++) {
                s.append(i > at ? " " : "").append(String.format("%02x", table[i] & 0xFF));
            }
            s.append(at == 0 ? "  # dwNumEntries" : "").append('\n');
            at = end;
        }
        return s.toString();
    }
}
