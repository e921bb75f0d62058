package io.portwatch.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Appends whole rows to one CSV file with a header, crash-safe: rows go out in plain {@code write} calls of whole lines
 * (no user-space buffer left behind), so a crash of the JVM loses nothing already appended and never leaves half a
 * row; a write that fails (disk full) is undone by truncating the file to its size before the write; a file found
 * ending in half a line (a crash of the host) is cut back to its last whole line when opened. Not thread-safe: its
 * owner serialises calls.
 */
final class CsvAppendFile {

    /** What {@link #open} found. */
    enum Opened {
        /** Open for appending. */
        OPEN,
        /** The file starts with another header; it is left as it is, closed. */
        OTHER_HEADER
    }

    /** Opens the file for reading and writing, creating it when missing (see {@link OwnedFiles}). */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path file) throws IOException;
    }

    private final Path path;
    private final byte[] header;
    private final Opener opener;
    private final Consumer<String> notes;

    private FileChannel channel;
    private long size;
    /** When the file's first row was written (or read from it), null while it has none. */
    private Instant firstRowAt;

    /**
     * @param header the header line, ending in {@code \n}
     * @param opener opens the file, refusing one that is not ours to write ({@link OwnedFiles#open})
     * @param notes  told of a repair worth one log line (a torn last line cut off)
     */
    CsvAppendFile(Path path, byte[] header, Opener opener, Consumer<String> notes) {
        this.path = path;
        this.header = header.clone();
        this.opener = opener;
        this.notes = notes;
    }

    Path path() {
        return path;
    }

    boolean isOpen() {
        return channel != null;
    }

    /** Bytes in the file, header included. */
    long size() {
        return size;
    }

    /** True when a file of this size holds a row. */
    boolean hasRows(long fileSize) {
        return fileSize > header.length;
    }

    /** When its first row was written, null while it has none. */
    Instant firstRowAt() {
        return firstRowAt;
    }

    /** Notes the time of the first row, written next. */
    void firstRowAt(Instant time) {
        firstRowAt = time;
    }

    /**
     * Opens (creating it, with the header, through the opener) and repairs a torn end.
     *
     * @return {@link Opened#OTHER_HEADER} when the file has rows under another header (left closed)
     */
    Opened open() throws IOException {
        FileChannel ch = opener.open(path);
        try {
            long sz = repairTail(ch);
            if (sz > 0 && !startsWithHeader(ch)) {
                ch.close();
                return Opened.OTHER_HEADER;
            }
            firstRowAt = null;
            if (sz == 0) {
                writeHeader(ch);
                sz = header.length;
            } else if (hasRows(sz)) {
                firstRowAt = firstRowTime(ch);
            }
            ch.position(sz);
            channel = ch;
            size = sz;
            return Opened.OPEN;
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /** Writes {@code length} bytes of whole rows; on failure undoes the partial write and throws. */
    void append(byte[] rows, int length) throws IOException {
        long before = size;
        try {
            ByteBuffer buffer = ByteBuffer.wrap(rows, 0, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            size += length;
        } catch (IOException | RuntimeException e) {
            undo(before);
            throw e;
        }
    }

    private void undo(long before) {
        try {
            channel.truncate(before);
            channel.position(before);
            size = before;
            if (!hasRows(size)) {
                firstRowAt = null;
            }
        } catch (IOException | RuntimeException e) {
            close(false); // reopening repairs a torn end
        }
    }

    /** Closes the file, first forcing what was written to the disk when {@code sync}; never throws. */
    void close(boolean sync) {
        if (channel == null) {
            return;
        }
        try {
            if (sync) {
                channel.force(false);
            }
        } catch (IOException | RuntimeException e) {
            // closing anyway; what was written is in the OS
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do
        }
        channel = null;
    }

    private void writeHeader(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(header);
        try {
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
        } catch (IOException e) {
            ch.truncate(0);
            throw e;
        }
    }

    /** Cuts a last line without its line feed (a crash mid-write); returns the size after. */
    private long repairTail(FileChannel ch) throws IOException {
        long sz = ch.size();
        if (sz == 0 || readByte(ch, sz - 1) == '\n') {
            return sz;
        }
        long end = sz;
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long keep = 0;
        search:
        while (end > 0) {
            long start = Math.max(0, end - buffer.capacity());
            buffer.clear().limit((int) (end - start));
            readFully(ch, buffer, start);
            for (int i = (int) (end - start) - 1; i >= 0; i--) {
                if (buffer.get(i) == '\n') {
                    keep = start + i + 1;
                    break search;
                }
            }
            end = start;
        }
        ch.truncate(keep);
        notes.accept(path + " ended in half a line (" + (sz - keep) + " bytes, an interrupted write); cut it off");
        return keep;
    }

    private boolean startsWithHeader(FileChannel ch) throws IOException {
        if (ch.size() < header.length) {
            return false;
        }
        ByteBuffer b = ByteBuffer.allocate(header.length);
        readFully(ch, b, 0);
        return Arrays.equals(b.array(), header);
    }

    /** The time in the first field of the first row, or the file's modification time. */
    private Instant firstRowTime(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(64, ch.size() - header.length));
        readFully(ch, b, header.length);
        String start = new String(b.array(), 0, b.limit(), java.nio.charset.StandardCharsets.UTF_8);
        int comma = start.indexOf(',');
        if (comma > 0) {
            try {
                return Instant.parse(start.substring(0, comma));
            } catch (DateTimeParseException e) {
                // not one of our times: fall back on the file's own
            }
        }
        return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant();
    }

    private static byte readByte(FileChannel ch, long at) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        readFully(ch, b, at);
        return b.get(0);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            int n = ch.read(b, pos);
            if (n < 0) {
                throw new IOException("file shrank while reading it");
            }
            pos += n;
        }
        b.flip();
    }
}
