package io.portwatch.scan.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.SocketSources;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of the Windows source that run without Windows: the size-then-fill loop, time and service text. */
class WindowsNativeTest {

    @Test
    void tableCallIsRetriedWithTheSizeWindowsAsksForPlusRoom() throws IOException {
        byte[] table = MibTablesTest.fixture("tcp4.hex");
        List<Long> offered = new ArrayList<>();
        WindowsNative.TableCall call = (buffer, size) -> {
            offered.add(buffer == null ? 0L : ((Memory) buffer).size());
            if (buffer == null || size.getValue() < table.length) {
                size.setValue(table.length);
                return WindowsNative.ERROR_INSUFFICIENT_BUFFER;
            }
            buffer.write(0, table, 0, table.length);
            return WindowsNative.NO_ERROR;
        };

        WindowsNative.FetchResult r = WindowsNative.fetch(call, "GetExtendedTcpTable(AF_INET)", null);

        assertEquals(2, offered.size());
        assertEquals(0L, offered.get(0));
        assertTrue(offered.get(1) >= table.length, "grown to at least what Windows asked for");
        assertEquals(3, MibTables.tcp4(r.table().pointer(), r.table().length()).size());
    }

    @Test
    void aBufferLargeEnoughIsReusedWithoutAsking() throws IOException {
        Memory last = new Memory(4096);
        WindowsNative.TableCall call = (buffer, size) -> {
            buffer.setInt(0, 0);
            return WindowsNative.NO_ERROR;
        };

        WindowsNative.FetchResult r = WindowsNative.fetch(call, "GetExtendedUdpTable(AF_INET)", last);

        assertSame(last, r.buffer());
        assertEquals(4096, r.table().length());
    }

    @Test
    void tableThatKeepsGrowingGivesUpWithAMessage() {
        WindowsNative.TableCall call = (buffer, size) -> {
            size.setValue(size.getValue() * 4 + 64);
            return WindowsNative.ERROR_INSUFFICIENT_BUFFER;
        };

        IOException e = assertThrows(IOException.class, () -> WindowsNative.fetch(call, "GetExtendedTcpTable(AF_INET6)", null));
        assertEquals("GetExtendedTcpTable(AF_INET6) kept growing over 8 tries", e.getMessage());
    }

    @Test
    void otherWindowsErrorsAreScanErrorsNamingTheCall() {
        IOException e = assertThrows(IOException.class,
                () -> WindowsNative.fetch((buffer, size) -> 87, "GetExtendedUdpTable(AF_INET6)", null));
        assertEquals("GetExtendedUdpTable(AF_INET6) failed with Windows error 87", e.getMessage());
    }

    @Test
    void notSupportedIsAnEmptyTable() throws IOException {
        WindowsNative.FetchResult r = WindowsNative.fetch((buffer, size) -> WindowsNative.ERROR_NOT_SUPPORTED, "x", null);
        assertEquals(0, r.table().length());
        assertNull(r.table().pointer());
        assertTrue(MibTables.udp6(r.table().pointer(), r.table().length()).isEmpty());
    }

    @Test
    void anOlderJnaPlatformWithoutAFunctionIsRefusedByName() {
        // String stands for an IPHlpAPI from a jna-platform older than 5.9.0
        SocketSources.UnsupportedPlatformException e = assertThrows(SocketSources.UnsupportedPlatformException.class,
                () -> WindowsNative.requireMethod(String.class, "GetExtendedTcpTable", Pointer.class));
        assertEquals("the windows socket source needs jna-platform 5.9.0 or newer: the one from "
                + SocketSources.location(String.class) + " has no String.GetExtendedTcpTable"
                + " (the application's own jna-platform is used, as JNA cannot be relocated)", e.getMessage());
    }

    @Test
    void fileTimeCountsHundredNanosecondsFrom1601() {
        assertEquals(Instant.EPOCH, WindowsNative.fileTimeToInstant(0x019DB1DE, 0xD53E8000));
        // 2024-01-01T00:00:00Z = 133485408000000000 ticks = 0x01DA3C45_7689C000
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), WindowsNative.fileTimeToInstant(0x01DA3C45, 0x7689C000));
        assertEquals(Instant.parse("1970-01-01T00:00:00.0000001Z"), WindowsNative.fileTimeToInstant(0x019DB1DE, 0xD53E8001));
    }

    @Test
    void hostedServicesAreListedSortedInCommandLine() {
        assertEquals("services: Dnscache, LanmanWorkstation, nsi",
                WindowsSocketSource.servicesText(List.of("nsi", "LanmanWorkstation", "Dnscache")));
        assertEquals("", WindowsSocketSource.servicesText(List.of()));
    }

    @Test
    void namesFromWindowsAreMadePrintableLoneSurrogatesIncluded() {
        // UTF-16 from Windows is not checked: a file name may hold a lone surrogate, a service name anything
        WindowsNative.Details details = new WindowsNative.Details("C:\\Temp\\ev\uD800il\u001b.exe", "HOST\\b\u0085d");

        ProcessInfo p = WindowsSocketSource.processInfo(42, "ev\uD800il\u001b.exe", details,
                List.of("Svc\nFake: 1", "Dnscache"), Instant.EPOCH);

        assertEquals("ev\uFFFDil\\x1b.exe", p.name());
        assertEquals("C:\\Temp\\ev\uFFFDil\\x1b.exe", p.exePath());
        assertEquals("ev\uFFFDil\\x1b.exe", p.exeName());
        assertEquals("HOST\\b\\x85d", p.user());
        assertEquals("services: Dnscache, Svc\\x0aFake: 1", p.commandLine());
    }
}
