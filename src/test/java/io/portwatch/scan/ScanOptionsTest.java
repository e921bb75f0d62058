package io.portwatch.scan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code scan.listenBacklog=auto} runs {@code ss} only in a JVM of portwatch's own, never as an agent. */
class ScanOptionsTest {

    @Test
    void autoIsSsInItsOwnJvmAndOffAsAnAgent() {
        SocketReader proc = SocketReader.PROC;
        assertEquals(new ScanOptions(true, true, proc), ScanOptions.of("all", "auto", proc, true));
        assertEquals(new ScanOptions(true, false, proc), ScanOptions.of("all", "auto", proc, false));
        assertEquals(new ScanOptions(true, true, proc), ScanOptions.of("all", "ss", proc, false));
        assertEquals(new ScanOptions(false, false, proc), ScanOptions.of("OWN", "off", proc, true));
    }

    @Test
    void theReaderSettingIsChosenForTheJvmPortwatchRunsIn() {
        assertEquals(SocketReader.NETLINK, ScanOptions.of("all", "auto", "auto", true).reader());
        assertEquals(SocketReader.PROC, ScanOptions.of("all", "auto", "proc", true).reader());
        assertEquals(SocketReader.NETLINK, ScanOptions.of("all", "auto", "netlink", false).reader());
    }

    @Test
    void optionsNotFromTheSettingsReadProcAndLoadNoJna() {
        assertEquals(SocketReader.PROC, new ScanOptions(false, true).reader());
        assertEquals(SocketReader.PROC, ScanOptions.DEFAULT.reader());
    }
}
