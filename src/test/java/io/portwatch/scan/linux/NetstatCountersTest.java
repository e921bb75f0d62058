package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.ListenCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code ListenOverflows} and {@code ListenDrops} from {@code /proc/net/netstat}. */
class NetstatCountersTest {

    @Test
    void capturedFileGivesBothCounters(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("netstat");
        try (InputStream in = NetstatCountersTest.class.getResourceAsStream("NetstatCountersTest/netstat")) {
            Files.write(file, in.readAllBytes());
        }
        assertEquals(new ListenCounters(127, 127), NetstatCounters.read(file));
    }

    @Test
    void missingOrMalformedFilesAreUnknown(@TempDir Path dir) throws IOException {
        assertEquals(ListenCounters.UNKNOWN, NetstatCounters.read(dir.resolve("missing")));
        assertEquals(ListenCounters.UNKNOWN, NetstatCounters.parse("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1\n"));
        assertEquals(ListenCounters.UNKNOWN, NetstatCounters.parse("TcpExt: ListenOverflows\nTcpExt: 1\n"));
        assertEquals(ListenCounters.UNKNOWN, NetstatCounters.parse("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1 -2\n"));
        assertEquals(new ListenCounters(1, 2), NetstatCounters.parse("TcpExt: ListenOverflows ListenDrops\nTcpExt: 1 2\n"));
    }

    @Test
    void theLiveFileIsRead() {
        assertTrue(NetstatCounters.read(Path.of("/proc/net/netstat")).known());
    }
}
