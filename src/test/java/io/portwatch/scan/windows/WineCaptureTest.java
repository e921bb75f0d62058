package io.portwatch.scan.windows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The Windows decoders against tables a real IP Helper implementation produced: in a network namespace this test
 * creates ({@code unshare -n}, loopback up, {@code fe80::1} on it), {@link WineCaptureSockets} opens known sockets,
 * runs {@code src/test/c/mib_dump.c} (compiled with mingw-w64) under wine, whose {@code GetExtendedTcpTable} and
 * {@code GetExtendedUdpTable} return that namespace's sockets in Windows' binary layout, and copies the namespace's
 * {@code /proc/net} tables. The decoded tables must hold the sockets the Linux parser reads from the copies. The
 * capture is left in {@code target/wine-capture} as hex files, the form of the committed fixtures that
 * {@link WineCaptureFixtureTest} decodes without wine. The namespace goes away with its last process.
 */
@Tag("wine")
class WineCaptureTest {

    static final Path CAPTURE = WineTools.TARGET.resolve("wine-capture");

    @Test
    void wineTablesOfANamespaceDecodeToTheSocketsItsProcNetShows() throws Exception {
        Path exe = WineTools.compile("mib_dump");
        Path unshare = WineTools.command("unshare", "util-linux");
        WineTools.command("ip", "iproute2");
        deleteTree(CAPTURE);
        Files.createDirectories(CAPTURE);

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(WineCaptureSockets.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        WineTools.Result r = WineTools.run(List.of(unshare.toString(), "-n", "--", "sh", "-c",
                "ip link set lo up && ip -6 addr add fe80::1/64 dev lo nodad && exec \"$0\" \"$@\"",
                java, "-cp", classes, WineCaptureSockets.class.getName(), CAPTURE.toString(),
                WineTools.wine().toString(), WineTools.wineserver().toString(), exe.toString(),
                WineTools.windowsPath(CAPTURE)), WineTools.environment(), WineTools.WINE_DEADLINE);
        assertEquals(0, r.exitCode(), "the capture in its own network namespace failed (unshare -n needs root, as CI runs):\n" + r.stdout() + r.stderr());

        writeHexTables(wineVersion());
        CapturedTables capture = CapturedTables.read(CAPTURE);
        capture.assertHoldsTheTestSockets();
        capture.assertSameAsProc();
        capture.assertOnlyLinkLocalKeepsAScope();
    }

    private static String wineVersion() throws IOException, InterruptedException {
        WineTools.Result r = WineTools.run(List.of(WineTools.wine().toString(), "--version"), WineTools.environment(),
                WineTools.COMPILE_DEADLINE);
        return r.stdout().trim();
    }

    /** {@code tcp4.bin} ... as {@code tcp4.hex} ..., one row a line, saying where they come from. */
    private static void writeHexTables(String wineVersion) throws IOException {
        Map<String, String> calls = Map.of(
                "tcp4", "GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_PID_ALL): MIB_TCPTABLE_OWNER_PID",
                "tcp6", "GetExtendedTcpTable(AF_INET6, TCP_TABLE_OWNER_PID_ALL): MIB_TCP6TABLE_OWNER_PID",
                "udp4", "GetExtendedUdpTable(AF_INET, UDP_TABLE_OWNER_PID): MIB_UDPTABLE_OWNER_PID",
                "udp6", "GetExtendedUdpTable(AF_INET6, UDP_TABLE_OWNER_PID): MIB_UDP6TABLE_OWNER_PID");
        Map<String, Integer> rowSizes = Map.of("tcp4", MibTables.TCP4_ROW, "tcp6", MibTables.TCP6_ROW,
                "udp4", MibTables.UDP4_ROW, "udp6", MibTables.UDP6_ROW);
        for (String name : CapturedTables.NAMES) {
            byte[] raw = Files.readAllBytes(CAPTURE.resolve(name + ".bin"));
            String hex = CapturedTables.toHex(raw, rowSizes.get(name), List.of(
                    calls.get(name),
                    "as " + wineVersion + " implements it on Linux: wine's implementation, NOT Windows'",
                    "captured by WineCaptureTest (mib_dump.exe) in a network namespace of its own; that namespace's",
                    "/proc/net tables are in proc/net/. One row a line after the row count."));
            Files.writeString(CAPTURE.resolve(name + ".hex"), hex, StandardCharsets.UTF_8);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
