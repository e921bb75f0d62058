package io.portwatch.scan;

import org.junit.jupiter.api.Test;

import static io.portwatch.scan.SocketReader.NETLINK;
import static io.portwatch.scan.SocketReader.PROC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code scan.reader}: {@code auto} is netlink wherever loading JNA disturbs nobody (own JVM; an agent on JDK 17-23,
 * or on 24+ with native access granted), else {@code /proc}; {@code netlink} and {@code proc} are taken as said.
 */
class SocketReaderTest {

    private static final boolean OWN_JVM = true;
    private static final boolean AGENT = false;

    @Test
    void autoInPortwatchsOwnJvmIsNetlinkOnEveryJdk() {
        for (int jdk : new int[] {17, 21, 23, 24, 25, 26}) {
            assertEquals(NETLINK, SocketReader.choose("auto", OWN_JVM, jdk, false), "JDK " + jdk);
            assertEquals(NETLINK, SocketReader.choose("auto", OWN_JVM, jdk, true), "JDK " + jdk);
        }
    }

    @Test
    void autoInAnAgentIsNetlinkOnJdk17To23WhateverTheNativeAccess() {
        for (int jdk = 17; jdk <= 23; jdk++) {
            assertEquals(NETLINK, SocketReader.choose("auto", AGENT, jdk, false), "JDK " + jdk);
            assertEquals(NETLINK, SocketReader.choose("auto", AGENT, jdk, true), "JDK " + jdk);
        }
    }

    @Test
    void autoInAnAgentOnJdk24AndLaterIsProcWithoutNativeAccess() {
        assertEquals(PROC, SocketReader.choose("auto", AGENT, 24, false));
        assertEquals(PROC, SocketReader.choose("auto", AGENT, 25, false));
        assertEquals(PROC, SocketReader.choose("auto", AGENT, 30, false));
    }

    @Test
    void autoInAnAgentOnJdk24AndLaterIsNetlinkWithNativeAccess() {
        assertEquals(NETLINK, SocketReader.choose("auto", AGENT, 24, true));
        assertEquals(NETLINK, SocketReader.choose("auto", AGENT, 25, true));
    }

    @Test
    void explicitNetlinkInAnAgentOnJdk25WithoutNativeAccessIsNetlink() {
        assertEquals(NETLINK, SocketReader.choose("netlink", AGENT, 25, false));
        assertEquals(NETLINK, SocketReader.choose("netlink", OWN_JVM, 17, false));
    }

    @Test
    void explicitProcIsProcEvenWhereNetlinkWouldDo() {
        assertEquals(PROC, SocketReader.choose("proc", OWN_JVM, 17, true));
        assertEquals(PROC, SocketReader.choose("proc", AGENT, 25, true));
    }

    @Test
    void theValueIsReadCaseInsensitivelyAndEmptyMeansAuto() {
        assertEquals(PROC, SocketReader.choose(" PROC ", OWN_JVM, 17, false));
        assertEquals(NETLINK, SocketReader.choose("NetLink", AGENT, 25, false));
        assertEquals(PROC, SocketReader.choose("", AGENT, 25, false));
        assertEquals(NETLINK, SocketReader.choose(null, OWN_JVM, 25, false));
    }

    @Test
    void anUnknownValueIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SocketReader.choose("ss", OWN_JVM, 17, false));
        assertEquals("scan.reader: expecting auto, netlink or proc, found \"ss\"", e.getMessage());
    }

    @Test
    void theLabelsAreTheSettingsWords() {
        assertEquals("netlink", NETLINK.label());
        assertEquals("proc", PROC.label());
    }

    @Test
    void nativeAccessIsFalseWhereTheJdkCannotBeAsked() {
        // the build's JDK 17 has no Module#isNativeAccessEnabled; on 22+ the unnamed module here has none granted
        assertFalse(SocketReader.nativeAccessEnabled(SocketReaderTest.class));
    }

    @Test
    void thisJvmChoosesByItsOwnFeatureVersion() {
        int feature = Runtime.version().feature();
        assertEquals(NETLINK, SocketReader.choose("auto", OWN_JVM));
        assertEquals(feature < SocketReader.FIRST_WARNING_JDK ? NETLINK : PROC, SocketReader.choose("auto", AGENT));
    }
}
