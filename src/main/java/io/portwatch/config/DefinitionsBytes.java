package io.portwatch.config;

import io.portwatch.support.Errors;
import io.portwatch.support.FileTrust;
import io.portwatch.support.FileTypes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a definitions file's bytes as untrusted input (docs/design.md §2): a regular file only (never a FIFO, device
 * or directory, also behind a symbolic link), at most {@link DefinitionsLoader#MAX_FILE_BYTES}, strict UTF-8. Each
 * refusal is a problem naming the file and, for bad text, the line.
 */
final class DefinitionsBytes {

    private DefinitionsBytes() {
    }

    /** Where a symbolic link to a missing file points; empty for anything else (a file, a loop, no link). */
    static Optional<Path> danglingTarget(Path path) {
        try {
            Files.readAttributes(path, BasicFileAttributes.class);
            return Optional.empty();
        } catch (NoSuchFileException e) {
            try {
                return Files.isSymbolicLink(path) ? Optional.of(Files.readSymbolicLink(path)) : Optional.empty();
            } catch (IOException | RuntimeException e2) {
                return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The bytes of a regular file that {@code trust} accepts, at most {@link DefinitionsLoader#MAX_FILE_BYTES}; null
     * after adding a problem. Anything but a regular file (after following symbolic links), a file on a kernel file
     * system and an untrusted file are never opened; for a symbolic link the folder of its target is judged too
     * (whoever may write there may swap the file).
     */
    static Outcome read(Path path, String fileName, Problems problems, FileTrust trust) {
        Source source = new Source(fileName, 0);
        InputStream in;
        long size;
        try {
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                if (!Files.isSymbolicLink(path)) {
                    throw e;
                }
                problems.add(new DefinitionProblem(source, "", "expecting a regular file (found a symbolic link to"
                        + " a missing file: " + Files.readSymbolicLink(path) + ")"));
                return Outcome.REFUSED;
            } catch (FileSystemException e) {
                if (!Files.isSymbolicLink(path)) {
                    throw e;
                }
                problems.add(new DefinitionProblem(source, "", "expecting a regular file (found a symbolic link that"
                        + " cannot be followed: " + (e.getReason() == null ? Errors.text(e) : e.getReason()) + ")"));
                return Outcome.REFUSED;
            }
            if (!attributes.isRegularFile()) {
                String type = FileTypes.describe(path, attributes);
                String found = Files.isSymbolicLink(path) ? "a symbolic link to " + type + ": " + target(path) : type;
                problems.add(new DefinitionProblem(source, "", "expecting a regular file (found " + found + ")"));
                return Outcome.REFUSED;
            }
            Optional<String> untrusted = trust.problem(path, "definitions file");
            if (untrusted.isEmpty() && Files.isSymbolicLink(path)) {
                Path folder = path.toRealPath().getParent();
                if (folder != null) {
                    untrusted = trust.problem(folder, "the folder of the target of definitions file " + path + ":");
                }
            }
            if (untrusted.isPresent()) {
                problems.add(new DefinitionProblem(source, "", untrusted.get()));
                return Outcome.REFUSED;
            }
            size = attributes.size();
            in = Files.newInputStream(path);
        } catch (IOException | RuntimeException e) { // not opened: access denied, gone meanwhile, ...
            problems.add(new DefinitionProblem(source, "", "cannot read file: " + Errors.text(e)));
            return Outcome.REFUSED;
        }
        try (in) {
            byte[] bytes = readAtMost(in, DefinitionsLoader.MAX_FILE_BYTES, size);
            if (bytes == null) {
                problems.add(DefinitionsLoader.tooLarge(fileName));
            }
            return new Outcome(bytes, false);
        } catch (IOException | RuntimeException e) {
            problems.add(new DefinitionProblem(source, "", "cannot read file: " + Errors.text(e)));
            return new Outcome(null, false);
        }
    }

    /**
     * What {@link #read} gave.
     *
     * @param bytes   the file's bytes; null after a problem
     * @param refused whether the file was not opened, or could not be (untrusted, not a regular file, access
     *                denied): its problem may clear without an edit
     */
    record Outcome(byte[] bytes, boolean refused) {
        static final Outcome REFUSED = new Outcome(null, true);
    }

    /**
     * All bytes of the stream when there are at most {@code max}; null when there are more (the
     * stream is then read {@code max + 1} bytes far, never further).
     */
    static byte[] readAtMost(InputStream in, int max) throws IOException {
        return readAtMost(in, max, 0);
    }

    /**
     * {@link #readAtMost(InputStream, int)} into one array sized by {@code sizeHint} (the size the file system
     * reports), grown only when the file is larger than it said: a file is held once, not once per chunk and once
     * whole.
     */
    static byte[] readAtMost(InputStream in, int max, long sizeHint) throws IOException {
        byte[] bytes = new byte[(int) Math.max(1, Math.min(max, sizeHint))];
        int n = 0;
        while (true) {
            if (n == bytes.length) { // as large as it said, or larger
                int next = in.read();
                if (next < 0) {
                    return bytes;
                }
                if (n == max) {
                    return null;
                }
                bytes = Arrays.copyOf(bytes, (int) Math.min(max, Math.max(8192, 2L * n)));
                bytes[n++] = (byte) next;
                continue;
            }
            int read = in.read(bytes, n, bytes.length - n);
            if (read < 0) {
                return n == bytes.length ? bytes : Arrays.copyOf(bytes, n);
            }
            n += read;
        }
    }

    private static String target(Path link) {
        try {
            return link.toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            try {
                return Files.readSymbolicLink(link).toString();
            } catch (IOException | RuntimeException e2) {
                return "?";
            }
        }
    }

    /**
     * The text of the bytes: read in place when they are all ASCII ({@link AsciiText}, no copy), else
     * {@link #decodeUtf8}; null after adding a problem naming the line.
     */
    static CharSequence text(String fileName, byte[] bytes, Problems problems) {
        AsciiText ascii = AsciiText.of(bytes);
        return ascii != null ? ascii : decodeUtf8(fileName, bytes, problems);
    }

    /** Strict UTF-8 (a BOM is left for the CSV reader to skip); null after adding a problem naming the line. */
    static String decodeUtf8(String fileName, byte[] bytes, Problems problems) {
        boolean utf16le = bytes.length >= 2 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE;
        boolean utf16be = bytes.length >= 2 && bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF;
        if (utf16le || utf16be) {
            problems.add(new DefinitionProblem(new Source(fileName, 1), "",
                    "expecting UTF-8 text, save the file as UTF-8 (found a UTF-16 byte order mark)"));
            return null;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192); // only checks: the text is decoded once, below
        CoderResult result;
        do {
            out.clear();
            result = decoder.decode(in, out, true);
        } while (result.isOverflow());
        if (!result.isError()) {
            out.clear();
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            problems.add(new DefinitionProblem(new Source(fileName, lineAt(bytes, at)), "",
                    String.format(Locale.ROOT, "expecting UTF-8 text, save the file as UTF-8 (found byte 0x%02X)",
                            bytes[at] & 0xFF)));
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The 1-based line of a byte offset, counting CRLF, LF and CR as line ends. */
    private static long lineAt(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')) {
                line++;
            }
        }
        return line;
    }
}
