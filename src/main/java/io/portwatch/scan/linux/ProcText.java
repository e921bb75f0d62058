package io.portwatch.scan.linux;

import io.portwatch.text.Printable;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where text from {@code /proc}, {@code /etc/passwd} and {@code /run/netns} enters portwatch on Linux
 * (docs/design.md §5, rule 4). The kernel hands over bytes, not text: a process name ({@code comm}, cut at 15
 * bytes, possibly inside a character), a command line, an {@code exe} link, a user or namespace name may hold
 * any byte but NUL (and {@code /}, for file names). So every file is decoded leniently, invalid UTF-8 as U+FFFD
 * and never an exception (a strict decoder threw, and the process was lost as an owner), and every text that
 * is shown to people is made printable with {@link Printable} here, once: the readers ({@link ProcessReader},
 * {@link NetNamespaces}) take names only through {@link #printable}.
 */
final class ProcText {

    private ProcText() {
    }

    /** The first {@code maxBytes} bytes of a file decoded leniently, for parsing (numbers, fixed words) only. */
    static String read(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(maxBytes), StandardCharsets.UTF_8);
        }
    }

    /** The first {@code maxBytes} bytes of a file, for {@link #printable(byte[], int, int)}. */
    static byte[] bytes(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(maxBytes);
        }
    }

    /** Bytes the kernel gave as a name, decoded leniently and made printable. */
    static String printable(byte[] bytes, int offset, int length) {
        return Printable.decode(bytes, offset, length);
    }

    /**
     * A name the kernel gave as a path (a link target, a directory entry): the JDK has decoded its bytes
     * leniently already ({@code sun.jnu.encoding}, invalid sequences as U+FFFD); made printable.
     */
    static String printable(Path name) {
        return Printable.of(name.toString());
    }

    /** Text read leniently from a file ({@code /etc/passwd}) that is shown to people, made printable. */
    static String printable(String text) {
        return Printable.of(text);
    }
}
