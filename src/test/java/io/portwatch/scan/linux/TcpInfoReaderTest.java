package io.portwatch.scan.linux;

import io.portwatch.scan.TcpQuality;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TcpInfoReaderTest {

    /**
     * {@code getsockopt(TCP_INFO)} of a loopback client after it sent 5 x 1000 bytes that the server read, captured on
     * Linux 6.18 x86-64 with Python: {@code c.getsockopt(IPPROTO_TCP, TCP_INFO, 512).hex()}. The same struct comes
     * in {@code INET_DIAG_INFO}.
     */
    private static final String CAPTURED = "010000000007aa01e01c030000000000008a00001802000000000000000000000000000000000000000000000000000000000000"
            + "0000000000000000ffff0000d7ff00001400000013000000ffffff7f0f000000cbff00000700000000000000d7ff000000000000"
            + "a09bd08117000000ffffffffffffffff891300000000000000000000000000000700000006000000000000000100000000000000"
            + "050000000080b6390800000000000000000000000000000000000000000000000000000006000000000000008813000000000000"
            + "00000000000000000000000000000000000000000014010000000100000000000000000000000000000000000000000000000000"
            + "0000000000000000000000000000000000000000";

    private static ByteBuffer captured() {
        return ByteBuffer.wrap(HexFormat.of().parseHex(CAPTURED)).order(ByteOrder.nativeOrder());
    }

    @Test
    void readsTheFiguresOfACapturedTcpInfo() {
        ByteBuffer b = captured();
        TcpQuality q = TcpInfoReader.read(b, 0, b.limit(), 42);
        assertEquals(new TcpQuality(42, 20, 7, 0, 0, 0, 5001, 0), q);
    }

    @Test
    void readsAtAnOffsetInsideAMessage() {
        byte[] raw = HexFormat.of().parseHex(CAPTURED);
        ByteBuffer message = ByteBuffer.allocate(raw.length + 36).order(ByteOrder.nativeOrder());
        message.position(36);
        message.put(raw);
        message.flip();
        assertEquals(5001, TcpInfoReader.read(message, 36, raw.length, 1).bytesAcked());
    }

    @Test
    void fieldsAnOldKernelDoesNotSendAreUnknown() {
        ByteBuffer b = captured();
        TcpQuality q = TcpInfoReader.read(b, 0, 104, 7); // a 3.x kernel's struct ends after tcpi_total_retrans
        assertEquals(20, q.rttMicros());
        assertEquals(0, q.retransmittedSegments());
        assertEquals(-1, q.segmentsSent());
        assertEquals(-1, q.bytesAcked());
        assertEquals(-1, q.bytesReceived());
    }

    @Test
    void tooShortOrPastTheMessageIsNoFigures() {
        ByteBuffer b = captured();
        assertNull(TcpInfoReader.read(b, 0, TcpInfoReader.MIN_LENGTH - 1, 1));
        assertNull(TcpInfoReader.read(b, 8, b.limit(), 1));
        assertNull(TcpInfoReader.read(b, -4, 100, 1));
    }
}
