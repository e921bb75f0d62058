package io.portwatch.scan;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code scan.listenBacklog=auto} runs {@code ss} only in a JVM of portwatch's own, never as an agent. */
class ScanOptionsTest {

    @Test
    void autoIsSsInItsOwnJvmAndOffAsAnAgent() {
        assertEquals(new ScanOptions(true, true), ScanOptions.of("all", "auto", true));
        assertEquals(new ScanOptions(true, false), ScanOptions.of("all", "auto", false));
        assertEquals(new ScanOptions(true, true), ScanOptions.of("all", "ss", false));
        assertEquals(new ScanOptions(false, false), ScanOptions.of("OWN", "off", true));
    }
}
