package io.portwatch.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The modules of a process from captured {@code /proc/PID/maps} and {@code fd} fixtures (see the folder's README). */
class LinuxProcessModulesTest {

    private static BufferedReader fixture(String name) {
        InputStream in = LinuxProcessModulesTest.class.getResourceAsStream("LinuxProcessModulesTest/" + name);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Test
    void executableMappingsAndMappedLibrariesAreModulesDataFilesAndSpecialMappingsAreNot() throws IOException {
        try (BufferedReader maps = fixture("maps")) {
            assertEquals(List.of(
                    "/opt/my app/lib/extra.jar",
                    "/opt/my app/lib/libplugin.so.2",
                    "/tmp/jna--1968/jna12345.tmp",
                    "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                    "/usr/lib/jvm/java-17-openjdk-amd64/lib/libnio.so",
                    "/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so",
                    "/usr/lib/x86_64-linux-gnu/libc.so.6"), new ArrayList<>(LinuxProcessModules.fromMaps(maps)));
        }
    }

    @Test
    void jarsHeldOpenAreModulesOtherOpenFilesAreNot() throws IOException {
        List<String> targets = new ArrayList<>();
        try (BufferedReader fd = fixture("fd")) {
            fd.lines().forEach(targets::add);
        }
        assertEquals(List.of("/opt/app/app.war", "/root/.m2/repository/org/apache/commons/commons-csv/1.14.1/commons-csv-1.14.1.jar",
                "/tmp/old.jar"), new ArrayList<>(LinuxProcessModules.openJars(targets)));
    }

    @Test
    void aProcTreeGivesTheUnionSortedAndAVanishedProcessGivesNothing(@TempDir Path proc) throws IOException {
        Path pid = Files.createDirectories(proc.resolve("42").resolve("fd"));
        try (InputStream maps = getClass().getResourceAsStream("LinuxProcessModulesTest/maps")) {
            Files.copy(maps, pid.getParent().resolve("maps"));
        }
        Files.createSymbolicLink(pid.resolve("3"), Path.of("/opt/app/app.jar"));
        Files.createSymbolicLink(pid.resolve("4"), Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"));
        List<String> modules = new LinuxProcessModules(proc).of(42);
        assertEquals(8, modules.size(), modules.toString());
        assertEquals("/opt/app/app.jar", modules.get(0));
        assertTrue(modules.contains("/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so"));
        assertEquals(List.of(), new LinuxProcessModules(proc).of(43));
    }

    @Test
    void pathsWithControlCharactersOrInvalidUtf8AreMadePrintableNotDropped(@TempDir Path proc) throws IOException {
        Path pid = Files.createDirectories(proc.resolve("42").resolve("fd"));
        byte[] maps = ("7f0000000000-7f0000001000 r-xp 00000000 08:01 42 /opt/evil\u001b[2J.so\n"
                + "7f0000001000-7f0000002000 r-xp 00000000 08:01 43 /opt/bad-").getBytes(StandardCharsets.UTF_8);
        byte[] invalid = {(byte) 0xff, (byte) 0xfe, '.', 's', 'o', '\n'};
        Files.write(pid.getParent().resolve("maps"), concat(maps, invalid));
        Files.createSymbolicLink(pid.resolve("3"), Path.of("/opt/app\n* * * * * root sh.jar"));
        assertEquals(List.of("/opt/app\\x0a* * * * * root sh.jar", "/opt/bad-\ufffd\ufffd.so", "/opt/evil\\x1b[2J.so"),
                new LinuxProcessModules(proc).of(42));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void thisJvmHasLibjvmAndAJar() {
        List<String> modules = ProcessModules.forThisHost().of((int) ProcessHandle.current().pid());
        assertTrue(modules.stream().anyMatch(m -> m.endsWith("/libjvm.so")), modules.toString());
        assertTrue(modules.stream().anyMatch(m -> m.endsWith(".jar")), modules.toString());
    }
}
