package io.portwatch.scan.windows;

import com.sun.jna.Memory;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoding of the IP Helper tables, on hand-built buffers in JNA memory (fixtures and their
 * origin: {@code MibTablesTest/README.md}).
 */
class MibTablesTest {

    @Test
    void tcp4RowsGiveAddressesPortsStateAndPid() throws IOException {
        List<SocketEntry> rows = decode("tcp4.hex", Table.TCP4);

        assertEquals(3, rows.size());
        assertEquals("tcp 0.0.0.0:135 -> 0.0.0.0:0 LISTEN pid 1234", rows.get(0).toString());
        assertEquals("tcp 10.1.2.3:49152 -> 203.0.113.34:443 ESTABLISHED pid 5678", rows.get(1).toString());
        assertEquals("tcp 127.0.0.1:8080 -> 127.0.0.1:50000 TIME_WAIT pid 0", rows.get(2).toString());
        assertEquals(-1, rows.get(1).uid());
        assertEquals(0, rows.get(1).inode());
    }

    @Test
    void listenRowsHaveNoRemoteEndWhateverTheUndefinedFieldsHold() throws IOException {
        SocketEntry listen4 = decode("tcp4.hex", Table.TCP4).get(0);
        SocketEntry listen6 = decode("tcp6.hex", Table.TCP6).get(0);

        assertEquals(Addresses.anyIPv4(), listen4.remoteAddress());
        assertEquals(0, listen4.remotePort());
        assertEquals(Addresses.anyIPv6(), listen6.remoteAddress());
        assertEquals(0, listen6.remotePort());
    }

    @Test
    void tcp6RowsKeepTheScopeIdOfLinkLocalAddressesAndUnmapIPv4() throws IOException {
        List<SocketEntry> rows = decode("tcp6.hex", Table.TCP6);

        assertEquals(3, rows.size());
        assertEquals("tcp [::]:445 -> [::]:0 LISTEN pid 4", rows.get(0).toString());
        assertEquals("tcp [fe80::1%12]:50000 -> [fe80::2%12]:22 ESTABLISHED pid 900", rows.get(1).toString());
        assertEquals(12, ((Inet6Address) rows.get(1).localAddress()).getScopeId());
        assertEquals(12, ((Inet6Address) rows.get(1).remoteAddress()).getScopeId());
        assertEquals("tcp 192.0.2.10:50001 -> [2001:db8::7]:8443 SYN_SENT pid 77", rows.get(2).toString());
    }

    @Test
    void udpRowsAreBoundAndUnconnected() throws IOException {
        List<SocketEntry> v4 = decode("udp4.hex", Table.UDP4);
        List<SocketEntry> v6 = decode("udp6.hex", Table.UDP6);

        assertEquals("udp 0.0.0.0:53 -> 0.0.0.0:0 UNCONN pid 2000", v4.get(0).toString());
        assertEquals("udp 127.0.0.1:5353 -> 0.0.0.0:0 UNCONN pid 3000", v4.get(1).toString());
        assertEquals("udp [::]:5355 -> [::]:0 UNCONN pid 1500", v6.get(0).toString());
        assertEquals("udp [fe80::abcd%7]:546 -> [::]:0 UNCONN pid 1600", v6.get(1).toString());
        assertEquals(Protocol.UDP, v6.get(1).protocol());
    }

    @Test
    void aBufferLargerThanTheTableIsReadUpToItsRowCount() throws IOException {
        byte[] table = fixture("tcp4.hex");
        Memory memory = new Memory(table.length + 500); // GetExtendedTcpTable is given room to spare
        memory.clear();
        memory.write(0, table, 0, table.length);

        assertEquals(3, MibTables.tcp4(memory, memory.size()).size());
    }

    @Test
    void rowCountBeyondTheBufferIsAnErrorNotARead() {
        byte[] table = fixture("udp4.hex");
        Memory memory = memory(table);

        IOException e = assertThrows(IOException.class, () -> MibTables.udp4(memory, table.length - 1));
        assertEquals("MIB_UDPTABLE_OWNER_PID: 2 rows of 12 bytes do not fit in 27 bytes", e.getMessage());
    }

    @Test
    void lengthZeroIsNoTable() throws IOException {
        assertTrue(MibTables.tcp6(null, 0).isEmpty());
        assertTrue(MibTables.udp6(null, 0).isEmpty());
    }

    @Test
    void everyMibTcpStateCodeMapsToTheLinuxName() {
        SocketState[] expected = {
            SocketState.UNKNOWN,      // 0: not a MIB_TCP_STATE
            SocketState.CLOSE,        // 1 CLOSED
            SocketState.LISTEN,       // 2
            SocketState.SYN_SENT,     // 3
            SocketState.SYN_RECV,     // 4 SYN_RCVD
            SocketState.ESTABLISHED,  // 5 ESTAB
            SocketState.FIN_WAIT1,    // 6
            SocketState.FIN_WAIT2,    // 7
            SocketState.CLOSE_WAIT,   // 8
            SocketState.CLOSING,      // 9
            SocketState.LAST_ACK,     // 10
            SocketState.TIME_WAIT,    // 11
            SocketState.CLOSE,        // 12 DELETE_TCB
            SocketState.UNKNOWN,      // 13: not a MIB_TCP_STATE
        };
        for (int code = 0; code < expected.length; code++) {
            assertEquals(expected[code], MibTables.tcpState(code), "MIB_TCP_STATE " + code);
        }
        assertEquals(SocketState.UNKNOWN, MibTables.tcpState(-1));
        assertEquals(SocketState.UNKNOWN, MibTables.tcpState(100));
    }

    @Test
    void everyStateCodeInARowGoesThroughBothTcpDecoders() throws IOException {
        for (int code = 0; code <= 14; code++) {
            // one row per family, built here: only the state differs from a CLOSE_WAIT row
            ByteBuffer v4 = ByteBuffer.allocate(MibTables.FIRST_ROW + MibTables.TCP4_ROW).order(ByteOrder.LITTLE_ENDIAN);
            v4.putInt(1).putInt(code).put(new byte[] {10, 0, 0, 1}).put(new byte[] {0x1F, (byte) 0x90, 0, 0})
                    .put(new byte[] {10, 0, 0, 2}).put(new byte[] {0x01, (byte) 0xBB, 0, 0}).putInt(42);
            ByteBuffer v6 = ByteBuffer.allocate(MibTables.FIRST_ROW + MibTables.TCP6_ROW).order(ByteOrder.LITTLE_ENDIAN);
            v6.putInt(1).put(Addresses.parseLiteral("2001:db8::1").getAddress()).putInt(0).put(new byte[] {0x1F, (byte) 0x90, 0, 0})
                    .put(Addresses.parseLiteral("2001:db8::2").getAddress()).putInt(0).put(new byte[] {0x01, (byte) 0xBB, 0, 0})
                    .putInt(code).putInt(42);

            SocketEntry row4 = MibTables.tcp4(memory(v4.array()), v4.capacity()).get(0);
            SocketEntry row6 = MibTables.tcp6(memory(v6.array()), v6.capacity()).get(0);

            assertEquals(MibTables.tcpState(code), row4.state(), "IPv4 row, state " + code);
            assertEquals(MibTables.tcpState(code), row6.state(), "IPv6 row, state " + code);
            assertEquals(8080, row4.localPort());
            assertEquals(code == 2 ? 0 : 443, row6.remotePort()); // LISTEN rows have no remote end
            assertEquals(42, row6.pid());
        }
    }

    @Test
    void portIsTheNetworkOrderLow16BitsOfTheDword() {
        ByteBuffer dword = ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFE, 0x12, 0x34});
        assertEquals(65534, MibTables.port(dword, 0));
    }

    @Test
    void rowSizesAreThoseOfTheSdk() {
        assertEquals(24, MibTables.TCP4_ROW);
        assertEquals(56, MibTables.TCP6_ROW);
        assertEquals(12, MibTables.UDP4_ROW);
        assertEquals(28, MibTables.UDP6_ROW);
        assertEquals(4, MibTables.FIRST_ROW);
    }

    private enum Table { TCP4, TCP6, UDP4, UDP6 }

    private static List<SocketEntry> decode(String name, Table table) throws IOException {
        byte[] bytes = fixture(name);
        Memory memory = memory(bytes);
        switch (table) {
            case TCP4: return MibTables.tcp4(memory, bytes.length);
            case TCP6: return MibTables.tcp6(memory, bytes.length);
            case UDP4: return MibTables.udp4(memory, bytes.length);
            default: return MibTables.udp6(memory, bytes.length);
        }
    }

    static Memory memory(byte[] bytes) {
        Memory memory = new Memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return memory;
    }

    /** A {@code .hex} fixture of this test's folder: hex bytes, {@code #} comments. */
    static byte[] fixture(String name) {
        try (InputStream in = MibTablesTest.class.getResourceAsStream("MibTablesTest/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int hash = line.indexOf('#');
                String data = (hash >= 0 ? line.substring(0, hash) : line).trim();
                for (String b : data.isEmpty() ? new String[0] : data.split("\\s+")) {
                    out.write(Integer.parseInt(b, 16));
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
