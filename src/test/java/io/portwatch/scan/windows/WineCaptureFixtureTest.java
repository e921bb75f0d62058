package io.portwatch.scan.windows;

import io.portwatch.scan.SocketEntry;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed capture of {@link WineCaptureTest} (fixtures and their origin:
 * {@code WineCaptureFixtureTest/README.md}; wine's IP Helper, not Windows'), decoded without wine: the same sockets
 * as the Linux parser reads from the namespace's {@code /proc/net} copies, and IPv6 scope ids kept only for
 * link-local addresses.
 */
class WineCaptureFixtureTest {

    private static CapturedTables capture() throws Exception {
        return CapturedTables.read(Path.of(WineCaptureFixtureTest.class.getResource("WineCaptureFixtureTest").toURI()));
    }

    @Test
    void decodedTablesHoldTheSocketsOfTheProcNetCopies() throws Exception {
        CapturedTables capture = capture();
        capture.assertHoldsTheTestSockets();
        capture.assertSameAsProc();
    }

    @Test
    void onlyLinkLocalAddressesKeepTheirScopeId() throws Exception {
        capture().assertOnlyLinkLocalKeepsAScope();
    }

    @Test
    void loopbackPrintsWithoutAZoneAndLinkLocalWithWinesScope() throws Exception {
        List<SocketEntry> tcp6 = capture().tables().get("tcp6");
        SocketEntry loopbackListener = tcp6.stream()
                .filter(s -> s.state() == io.portwatch.scan.SocketState.LISTEN && s.localAddress().isLoopbackAddress())
                .findFirst().orElseThrow();
        SocketEntry linkLocalListener = tcp6.stream()
                .filter(s -> s.localAddress().isLinkLocalAddress()).findFirst().orElseThrow();

        assertEquals("tcp [::1]:" + loopbackListener.localPort() + " -> [::]:0 LISTEN pid 0", loopbackListener.toString());
        assertEquals(8192, ((Inet6Address) linkLocalListener.localAddress()).getScopeId()); // wine's 0x2000
        assertTrue(linkLocalListener.toString().startsWith("tcp [fe80::1%8192]:"), linkLocalListener.toString());
    }

    @Test
    void ipv4MappedRowsOfTheTcp6TableBecomeIPv4() throws Exception {
        List<SocketEntry> tcp6 = capture().tables().get("tcp6");
        long mapped = tcp6.stream().filter(s -> s.localAddress().getAddress().length == 4).count();
        assertEquals(1, mapped, tcp6.toString());
    }
}
