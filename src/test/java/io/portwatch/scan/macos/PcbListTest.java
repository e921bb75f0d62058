package io.portwatch.scan.macos;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoding of the pcblist sysctls, on hand-built buffers in JNA memory (fixtures and their origin:
 * {@code PcbListTest/README.md}).
 */
class PcbListTest {

    @Test
    void everyTcpSocketWithUidAndHandleButNoOwner() throws IOException {
        List<SocketEntry> sockets = decode("pcblist-tcp.fields", Protocol.TCP);

        assertEquals(2, sockets.size(), "the pcb created during the copy is skipped");
        assertEquals("tcp 127.0.0.1:631 -> 0.0.0.0:0 LISTEN pid -1", sockets.get(0).toString());
        assertEquals(0xAAAAL, sockets.get(0).inode());
        assertEquals(0, sockets.get(0).uid());
        assertEquals("tcp [2001:db8::1]:50000 -> [2001:db8::2]:443 ESTABLISHED pid -1", sockets.get(1).toString());
        assertEquals(501, sockets.get(1).uid());
        assertEquals(0xBBBBL, sockets.get(1).inode());
    }

    @Test
    void udpSocketsHaveNoTcpRecord() throws IOException {
        List<SocketEntry> sockets = decode("pcblist-udp.fields", Protocol.UDP);

        assertEquals(2, sockets.size());
        assertEquals("udp [::]:5353 -> [::]:0 UNCONN pid -1", sockets.get(0).toString());
        assertEquals("udp 10.0.0.5:50000 -> 192.0.2.53:53 ESTABLISHED pid -1", sockets.get(1).toString());
    }

    @Test
    void everyTcpStateGoesThroughTheDecoder() throws IOException {
        byte[] bytes = MacSocketsTest.fixture(PcbListTest.class, "pcblist-tcp.fields");
        int firstTcpcb = 24 + 104 + 104 + 32 + 32 + 136; // after the first pcb's other five records
        for (int code = -1; code <= 12; code++) {
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(firstTcpcb + 36, code);
            assertEquals(MacSockets.tcpState(code),
                    PcbList.decode(MacSocketsTest.memory(bytes), bytes.length, Protocol.TCP).get(0).state(), "t_state " + code);
        }
    }

    @Test
    void aListenerHasItsAcceptQueueAndBacklogAndAConnectionItsBufferBytes() throws IOException {
        byte[] bytes = MacSocketsTest.fixture(PcbListTest.class, "pcblist-tcp.fields");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int socket = 24 + 104; // the first pcb's xsocket_n, after its xinpcb_n
        b.putShort(socket + 44, (short) 6); // so_qlen
        b.putShort(socket + 48, (short) 5); // so_qlimit
        b.putInt(socket + 104 + 8, 777); // its xsockbuf_n (receive) sb_cc: not what a listener shows
        List<SocketEntry> sockets = PcbList.decode(MacSocketsTest.memory(bytes), bytes.length, Protocol.TCP);
        assertEquals(6, sockets.get(0).receiveQueue());
        assertEquals(5, sockets.get(0).sendQueue());
        assertTrue(sockets.get(0).acceptQueueFull());

        List<SocketEntry> plain = decode("pcblist-tcp.fields", Protocol.TCP);
        assertEquals(0, plain.get(0).receiveQueue());
        assertEquals(0, plain.get(0).sendQueue());
        assertEquals(0, plain.get(1).receiveQueue(), "sb_cc of the connection's receive buffer");
        assertEquals(0, plain.get(1).sendQueue());
    }

    @Test
    void ownersSeenThroughLibprocAreJoinedByHandle() throws IOException {
        List<SocketEntry> listed = decode("pcblist-tcp.fields", Protocol.TCP);
        byte[] fdinfo = MacSocketsTest.fixture("tcp6-established.fields");
        ByteBuffer.wrap(fdinfo).order(ByteOrder.LITTLE_ENDIAN).putLong(160, 0xBBBBL); // soi_so of the listed connection
        SocketEntry mine = MacSockets.decode(MacSocketsTest.memory(fdinfo), fdinfo.length, 4242);
        SocketEntry lateComer = MacSockets.decode(MacSocketsTest.memory(MacSocketsTest.fixture("udp4-bound.fields")),
                MacSockets.SOCKET_FDINFO_SIZE, 77);

        List<SocketEntry> all = PcbList.withOwners(listed, Map.of(mine.inode(), mine, lateComer.inode(), lateComer));

        assertEquals(3, all.size());
        assertEquals(SocketEntry.UNKNOWN_PID, all.get(0).pid(), "root's listener: not ours, owner unknown");
        assertEquals(4242, all.get(1).pid(), "our connection: owner from libproc");
        assertEquals(lateComer, all.get(2), "opened between the two reads: kept");
    }

    @Test
    void aRecordRunningPastTheEndIsAnError() {
        byte[] bytes = MacSocketsTest.fixture(PcbListTest.class, "pcblist-udp.fields");
        IOException e = assertThrows(IOException.class,
                () -> PcbList.decode(MacSocketsTest.memory(bytes), 100, Protocol.UDP));
        assertEquals("pcblist record of 104 bytes at 24 runs past its 100 bytes", e.getMessage());
    }

    @Test
    void anEmptyListIsJustTheHeader() throws IOException {
        byte[] header = new byte[PcbList.XINPGEN_SIZE];
        header[0] = 24;
        assertTrue(PcbList.decode(MacSocketsTest.memory(header), header.length, Protocol.TCP).isEmpty());
    }

    private static List<SocketEntry> decode(String name, Protocol protocol) throws IOException {
        byte[] bytes = MacSocketsTest.fixture(PcbListTest.class, name);
        return PcbList.decode(MacSocketsTest.memory(bytes), bytes.length, protocol);
    }
}
