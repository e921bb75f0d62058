package io.portwatch.scan.macos;

import com.sun.jna.Memory;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The decoding of libproc's socket and process structures, on hand-built buffers in JNA memory read
 * through the same {@link ProcInfoStructures} the macOS source uses (fixtures and their origin:
 * {@code MacSocketsTest/README.md}).
 */
class MacSocketsTest {

    @Test
    void ipv4TcpListener() {
        SocketEntry e = decode("tcp4-listen.fields", 321);

        assertEquals("tcp 127.0.0.1:8080 -> 0.0.0.0:0 LISTEN pid 321", e.toString());
        assertEquals(0x1122334455667788L, e.inode());
        assertEquals(501, e.uid());
    }

    @Test
    void aListenerHasItsAcceptQueueAndBacklogAndAConnectionItsBufferBytes() {
        byte[] listen = fixture("tcp4-listen.fields");
        java.nio.ByteBuffer l = java.nio.ByteBuffer.wrap(listen).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        l.putShort(194, (short) 3); // soi_qlen
        l.putShort(198, (short) 2); // soi_qlimit
        l.putInt(208, 999); // soi_rcv.sbi_cc: not what a listener shows
        SocketEntry listener = MacSockets.decode(memory(listen), listen.length, 321);
        assertEquals(3, listener.receiveQueue());
        assertEquals(2, listener.sendQueue());
        assertTrue(listener.acceptQueueFull());

        byte[] connection = fixture("tcp6-established.fields");
        java.nio.ByteBuffer c = java.nio.ByteBuffer.wrap(connection).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        c.putInt(208, 100); // soi_rcv.sbi_cc
        c.putInt(232, 1448); // soi_snd.sbi_cc
        SocketEntry established = MacSockets.decode(memory(connection), connection.length, 42);
        assertEquals(100, established.receiveQueue());
        assertEquals(1448, established.sendQueue());
    }

    @Test
    void ipv6TcpConnection() {
        assertEquals("tcp [2001:db8::1]:50123 -> [2001:db8::2]:443 ESTABLISHED pid 42",
                decode("tcp6-established.fields", 42).toString());
    }

    @Test
    void dualStackListenerStaysIPv6Wildcard() {
        SocketEntry e = decode("tcp46-listen.fields", 7);

        assertEquals("tcp [::]:443 -> [::]:0 LISTEN pid 7", e.toString());
        assertEquals(Addresses.anyIPv6(), e.localAddress());
    }

    @Test
    void ipv6SocketOnAMappedAddressIsReportedAsIPv4() {
        assertEquals("tcp 192.0.2.10:50001 -> 198.51.100.7:8443 ESTABLISHED pid 7",
                decode("tcp6-mapped.fields", 7).toString());
    }

    @Test
    void boundUdpIsUnconnectedAndConnectedUdpIsEstablished() {
        SocketEntry bound = decode("udp4-bound.fields", 88);
        SocketEntry connected = decode("udp6-connected.fields", 89);

        assertEquals("udp 0.0.0.0:5353 -> 0.0.0.0:0 UNCONN pid 88", bound.toString());
        assertEquals(0, bound.uid());
        assertEquals("udp [::1]:60000 -> [::1]:53 ESTABLISHED pid 89", connected.toString());
        assertEquals(Protocol.UDP, connected.protocol());
    }

    @Test
    void unixSocketsAreNotReported() {
        assertNull(decode("unix-stream.fields", 1));
    }

    @Test
    void aShortAnswerFromTheKernelIsNoSocket() {
        byte[] bytes = fixture("tcp4-listen.fields");
        assertNull(MacSockets.decode(memory(bytes), bytes.length - 1, 1));
        assertNull(MacSockets.decode(memory(bytes), -1, 1)); // proc_pidfdinfo failed
    }

    @Test
    void everyTcpStateCodeMapsToTheLinuxName() {
        SocketState[] expected = {
            SocketState.CLOSE,        // 0 TSI_S_CLOSED
            SocketState.LISTEN,       // 1
            SocketState.SYN_SENT,     // 2
            SocketState.SYN_RECV,     // 3 TSI_S_SYN_RECEIVED
            SocketState.ESTABLISHED,  // 4
            SocketState.CLOSE_WAIT,   // 5 TSI_S__CLOSE_WAIT
            SocketState.FIN_WAIT1,    // 6
            SocketState.CLOSING,      // 7
            SocketState.LAST_ACK,     // 8
            SocketState.FIN_WAIT2,    // 9
            SocketState.TIME_WAIT,    // 10
            SocketState.UNKNOWN,      // 11 TSI_S_RESERVED, a pseudo state
            SocketState.UNKNOWN,      // 12: not a state
        };
        for (int code = 0; code < expected.length; code++) {
            assertEquals(expected[code], MacSockets.tcpState(code), "TSI_S " + code);
        }
        assertEquals(SocketState.UNKNOWN, MacSockets.tcpState(-1));
    }

    @Test
    void everyTcpStateCodeGoesThroughTheStructureDecoder() {
        byte[] bytes = fixture("tcp6-established.fields");
        for (int code = -1; code <= 12; code++) {
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(344, code);
            assertEquals(MacSockets.tcpState(code), MacSockets.decode(memory(bytes), bytes.length, 1).state(),
                    "tcpsi_state " + code);
        }
    }

    @Test
    void portIsTheNetworkOrderShortInTheLowBytesOfTheInt() {
        assertEquals(8080, MacSockets.port(0x0000_901F));
        assertEquals(443, MacSockets.port(0x0000_BB01));
        assertEquals(65535, MacSockets.port(0x0000_FFFF));
    }

    @Test
    void bsdInfoGivesUidStartTimeAndShortName() {
        byte[] bytes = fixture("bsdinfo-nginx.fields");
        MacSockets.BsdInfo info = MacSockets.bsdInfo(memory(bytes), bytes.length);

        assertEquals(501, info.uid());
        assertEquals("nginx", info.comm());
        assertEquals(Instant.parse("2023-11-14T22:13:20.25Z"), info.startedAt());
    }

    @Test
    void bsdInfoPrefersTheRegisteredNameToTheCutCommand() {
        byte[] bytes = fixture("bsdinfo-named.fields");
        MacSockets.BsdInfo info = MacSockets.bsdInfo(memory(bytes), bytes.length);

        assertEquals("com.apple.WebKit.Networking", info.comm());
        assertEquals(0, info.uid());
        assertNull(MacSockets.bsdInfo(memory(bytes), bytes.length - 8));
    }

    @Test
    void processNamesAreDecodedLenientlyAndMadePrintable() {
        byte[] bytes = fixture("bsdinfo-named.fields");
        byte[] hostile = {'e', 'v', 0x1b, '[', '2', 'J', '\n', (byte) 0xff, 'x', (byte) 0xe2, (byte) 0x82, 0};
        System.arraycopy(hostile, 0, bytes, 64, hostile.length); // pbi_name, NUL-terminated

        assertEquals("ev\\x1b[2J\\x0a\uFFFDx\uFFFD", MacSockets.bsdInfo(memory(bytes), bytes.length).comm());
        assertEquals("a\\x7fb", MacSockets.text(new byte[] {'a', 0x7f, 'b', 'c'}, 3));
        assertEquals("ab", MacSockets.text(new byte[] {'a', 'b'}, 4096), "a length past the buffer is cut to it");
    }

    @Test
    void onlySocketDescriptorsAreListed() {
        byte[] bytes = fixture("fdlist.fields");
        assertArrayEquals(new int[] {3, 7}, MacSockets.socketFds(memory(bytes), bytes.length));
        assertArrayEquals(new int[] {3}, MacSockets.socketFds(memory(bytes), 16));
        assertArrayEquals(new int[0], MacSockets.socketFds(memory(bytes), -1));
    }

    private static SocketEntry decode(String name, int pid) {
        byte[] bytes = fixture(name);
        return MacSockets.decode(memory(bytes), bytes.length, pid);
    }

    static Memory memory(byte[] bytes) {
        Memory memory = new Memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }

    /** A {@code .fields} fixture of this test's folder (format in its README.md). */
    static byte[] fixture(String name) {
        return fixture(MacSocketsTest.class, name);
    }

    /** A {@code .fields} fixture of the folder named after a test class. */
    static byte[] fixture(Class<?> test, String name) {
        String text;
        try (InputStream in = test.getResourceAsStream(test.getSimpleName() + "/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer b = null;
        for (String raw : text.split("\n")) {
            int hash = raw.indexOf('#');
            String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f[0].equals("size")) {
                b = ByteBuffer.allocate(Integer.parseInt(f[1])).order(ByteOrder.LITTLE_ENDIAN);
                continue;
            }
            int at = Integer.parseInt(f[0].substring(1));
            String v = f[2];
            switch (f[1]) {
                case "i8": b.put(at, (byte) Integer.parseInt(v)); break;
                case "i16": b.putShort(at, (short) Integer.parseInt(v)); break;
                case "i32": b.putInt(at, (int) Long.decode(v).longValue()); break;
                case "i64": b.putLong(at, Long.decode(v)); break;
                case "net16": b.put(at, (byte) (Integer.parseInt(v) >> 8)).put(at + 1, (byte) Integer.parseInt(v)); break;
                case "ip": b.put(at, Addresses.parseLiteral(v).getAddress()); break;
                case "str": b.put(at, v.getBytes(StandardCharsets.US_ASCII)); break;
                default: throw new IllegalStateException(name + ": unknown type " + f[1]);
            }
        }
        return b.array();
    }
}
