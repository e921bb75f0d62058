package io.portwatch.scan.linux;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.text.Printable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 4 (docs/design.md §5) on Linux: every text the scan takes from the kernel is decoded leniently and made
 * printable where it enters, and a process whose name is not valid UTF-8 stays the owner of its sockets. Real
 * processes named with hostile bytes ({@link NetnsFixture#renamedListener}, a copy of {@code /bin/sleep} holding a
 * listening socket), real {@code ip netns} namespaces (root); all removed after each test.
 */
@EnabledOnOs(OS.LINUX)
@Tag("root") // real renamed processes whose owner is asserted to be this test's user, root
class PrintableScanTextTest {

    private final NetnsFixture fixture = new NetnsFixture();

    @TempDir
    Path dir;

    @AfterEach
    void removeProcessesAndNamespaces() throws Exception {
        fixture.close();
    }

    @Test
    void processNamedWithEscapeAndNewlineOwnsItsSocketWithEveryTextPrintable() throws Exception {
        NetnsFixture.Child child = fixture.renamedListener(dir, bytes("sl\u001beep\nx"));

        ProcessInfo owner = ownerOfListener(child);

        assertEquals("sl\\x1beep\\x0ax", owner.name());
        assertEquals("sl\\x1beep\\x0ax", owner.exeName());
        assertEquals(dir + "/sl\\x1beep\\x0ax", owner.exePath());
        assertEquals("sl\\x1beep\\x0ax 600", owner.commandLine());
        assertEquals("root", owner.user());
        assertTrue(owner.startedAt() != null, "start time read from a stat line holding the raw name");
    }

    @Test
    void processNamedWithInvalidUtf8StaysTheOwnerWithReplacementCharacters() throws Exception {
        byte[] name = {'b', 'a', 'd', (byte) 0xff, 'n', 'a', 'm', 'e', (byte) 0xc3};
        NetnsFixture.Child child = fixture.renamedListener(dir, name);

        ProcessInfo owner = ownerOfListener(child);

        assertEquals("bad\uFFFDname\uFFFD", owner.name());
        assertEquals("bad\uFFFDname\uFFFD 600", owner.commandLine());
        assertTrue(owner.exePath().endsWith("/bad\uFFFDname\uFFFD"), owner.exePath());
        assertEquals("root", owner.user());
        assertTrue(owner.startedAt() != null, "start time read from a stat line holding invalid UTF-8");
    }

    @Test
    void nameTheKernelCutInsideACharacterStaysTheOwner() throws Exception {
        // comm keeps 15 bytes: "ab" and four 3-byte characters, then the first byte of the fifth
        NetnsFixture.Child child = fixture.renamedListener(dir, bytes("ab日本語のプロセス"));

        ProcessInfo owner = ownerOfListener(child);

        assertEquals("ab日本語の\uFFFD", owner.name());
        assertEquals("ab日本語のプロセス", owner.exeName());
        assertEquals("ab日本語のプロセス 600", owner.commandLine());
    }

    @Test
    @Tag("netns")
    void ipNetnsNameWithControlCharactersIsPrintable() throws Exception {
        String ns = fixture.namespace("pwt-\u001b[7m\n");
        NetnsFixture.Child child = fixture.listen(ns, "127.0.0.1", 0);

        Snapshot snapshot = new LinuxSocketSource().scan();
        SocketEntry listener = listener(snapshot, child);

        assertEquals(Printable.of(ns), listener.netns().name());
        assertTrue(listener.netns().name().startsWith("pwt-\\x1b[7m\\x0a"), listener.netns().name());
        assertEquals(child.pid(), listener.pid());
    }

    @Test
    void userNamesFromPasswdAreReadLenientlyAndMadePrintable() throws IOException {
        Path passwd = dir.resolve("passwd");
        Files.write(passwd, concat(bytes("root:x:0:0:root:/root:/bin/bash\n"),
                new byte[] {'b', (byte) 0xff, 'd', ':', 'x', ':', '7', ':', '7', ':', ':', '/', ':', '/', '\n'},
                bytes("ev\u001b[2Jil\u0085:x:8:8::/:/\nwww-data:x:33:33::/:/\n")));

        Map<Integer, String> names = ProcessReader.readPasswd(passwd);

        assertEquals(Map.of(0, "root", 7, "b\uFFFDd", 8, "ev\\x1b[2Jil\\x85", 33, "www-data"), names);
    }

    private ProcessInfo ownerOfListener(NetnsFixture.Child child) throws IOException {
        Snapshot snapshot = new LinuxSocketSource().scan();
        SocketEntry listener = listener(snapshot, child);
        assertEquals(child.pid(), listener.pid(), "the renamed process owns its socket");
        ProcessInfo owner = snapshot.owner(listener).orElseThrow(() -> new AssertionError("no owner for " + listener));
        for (String text : new String[] {owner.name(), owner.exeName(), owner.exePath(), owner.commandLine(), owner.user()}) {
            assertTrue(Printable.isPrintable(text), text);
        }
        return owner;
    }

    /** The child's listener, found by port and namespace, not by owner. */
    private static SocketEntry listener(Snapshot snapshot, NetnsFixture.Child child) {
        long netns = NetNamespaces.inode(Path.of("/proc/" + child.pid() + "/ns/net"));
        return snapshot.sockets().stream()
                .filter(s -> s.localPort() == child.port() && s.state() == SocketState.LISTEN
                        && (s.netns().inode() == netns || s.netns().inode() == 0 && s.netns().own()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no listener on " + child.port() + " in " + snapshot.sockets()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }
}
