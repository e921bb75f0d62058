package io.portwatch.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One CSV log file with a header, appended to in whole lines and rotated by size, by UTC day, or on
 * request. Thread-safe: writes and rotations are serialised, so a row lands whole in exactly one file.
 *
 * <ul>
 *   <li>The header is written when the file is created, and only then. An existing file whose first
 *       line is another header is set aside (rotated) rather than appended to.</li>
 *   <li>Rows are written with plain {@code write} calls of whole lines (up to 64 KiB of them at a time,
 *       no user-space buffer left behind), so a crash of the JVM loses nothing already appended and
 *       never leaves half a row. A write that fails (disk full) is undone by truncating the file to
 *       its size before the write; a file found ending in half a line (a crash of the host) is cut
 *       back to its last whole line when opened.</li>
 *   <li>A rotation renames the file to {@code NAME-yyyyMMdd'T'HHmmss'Z'[-N].csv}, stamped with the
 *       time of its first row (N counts files started in the same second), starts a new file with the
 *       header, and deletes the oldest rotated files beyond {@code keep}. A file with no rows is never
 *       rotated. When the rename fails the rows keep going to the current file: nothing is lost.</li>
 * </ul>
 * Failures are reported to a {@link Problems} sink and never thrown.
 */
final class RotatingCsvFile implements AutoCloseable {

    /** Where failures go (the owner counts and logs them). */
    interface Problems {
        /** {@code rows} rows could not be written to {@code file}. */
        void writeFailed(Path file, String action, Exception cause, int rows);

        /** {@code rows} rows were written to {@code file}. */
        void written(Path file, int rows);

        /** Something worth one log line that lost no rows (a torn line repaired, a failed rename). */
        void note(String message);
    }

    /**
     * @param maxSize rotate before a row would make the file larger than this many bytes; 0 = never
     * @param daily   rotate at the first write of a new UTC day
     * @param keep    rotated files kept (the oldest beyond are deleted)
     */
    record Policy(long maxSize, boolean daily, int keep) {
        Policy {
            if (maxSize < 0 || keep < 0) {
                throw new IllegalArgumentException("maxSize and keep must not be negative");
            }
        }
    }

    private static final int CHUNK = 64 * 1024;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String baseName;
    private final Path path;
    private final byte[] header;
    private final Policy policy;
    private final Clock clock;
    private final Problems problems;
    private final Pattern rotatedName;

    private FileChannel channel;
    private long size;
    /** When the file's first row was written (or read from it), null while it has none. */
    private Instant firstRowAt;
    private long generation;
    private boolean closed;
    private boolean rotateAtOpen;
    private boolean rotateProblemNoted;
    private boolean pruneProblemNoted;
    private Exception lastOpenFailure;

    RotatingCsvFile(Path dir, String baseName, List<String> columns, Policy policy, Clock clock, Problems problems) {
        this.dir = dir;
        this.baseName = baseName;
        this.path = dir.resolve(baseName + HistoryFiles.EXTENSION);
        this.header = Csv.header(columns).getBytes(StandardCharsets.UTF_8);
        this.policy = policy;
        this.clock = clock;
        this.problems = problems;
        this.rotatedName = Pattern.compile(Pattern.quote(baseName) + "-(\\d{8}T\\d{6}Z)(?:-(\\d+))?"
                + Pattern.quote(HistoryFiles.EXTENSION));
    }

    /** The live file. */
    Path path() {
        return path;
    }

    /** Counts rotations; it changes whenever a new file is started. */
    synchronized long generation() {
        return generation;
    }

    /**
     * Opens the file; with {@code rotateExisting}, a file left with rows (by an earlier run) is set
     * aside first. Failures are reported, and opening is tried again at the next append.
     */
    synchronized void start(boolean rotateExisting) {
        rotateAtOpen = rotateExisting;
        openForWrite();
    }

    /** Opens the file, first doing the start rotation still owed; false when it cannot be opened. */
    private boolean openForWrite() {
        if (!ensureOpen()) {
            return false;
        }
        if (rotateAtOpen) {
            rotateAtOpen = false;
            if (hasRows(size)) {
                rotate("start");
            }
        }
        return ensureOpen();
    }

    /**
     * Appends whole rows (each ending in {@code \n}), rotating where the policy says. Never throws.
     *
     * @return rows written; the others were reported as failed
     */
    synchronized int append(List<String> rows) {
        if (rows.isEmpty() || closed) {
            return 0;
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        boolean mayRotate = true;
        Chunk chunk = new Chunk();
        int written = 0;
        int i = 0;
        while (i < rows.size()) {
            if (!openForWrite()) {
                problems.writeFailed(path, "open", lastOpenFailure, rows.size() - i);
                break;
            }
            byte[] row = rows.get(i).getBytes(StandardCharsets.UTF_8);
            long at = size + chunk.length;
            if (mayRotate && hasRows(at) && rotationDue(today, at, row.length)) {
                written += flush(chunk);
                boolean newDay = policy.daily() && firstRowAt != null && !today.equals(day(firstRowAt));
                if (channel != null && !rotate(newDay ? "daily" : "size")) {
                    mayRotate = false;
                }
                continue;
            }
            if (!hasRows(at)) {
                firstRowAt = clock.instant();
            }
            chunk.add(row);
            i++;
            if (chunk.length >= CHUNK) {
                written += flush(chunk);
            }
        }
        written += flush(chunk);
        if (written > 0) {
            problems.written(path, written);
        }
        return written;
    }

    /** Does the daily rotation now if it is due, without waiting for the next row. */
    synchronized void rotateIfNewDay() {
        if (!closed && policy.daily() && openForWrite() && hasRows(size) && firstRowAt != null
                && !LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).equals(day(firstRowAt))) {
            rotate("daily");
        }
    }

    /** Rotates now if the file has rows (an operator's or a test's request). */
    synchronized void rotateNow() {
        if (!closed && openForWrite() && hasRows(size)) {
            rotate("request");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        closeChannel(true);
    }

    private boolean hasRows(long fileSize) {
        return fileSize > header.length;
    }

    private boolean rotationDue(LocalDate today, long at, int rowLength) {
        if (policy.daily() && firstRowAt != null && !today.equals(day(firstRowAt))) {
            return true;
        }
        return policy.maxSize() > 0 && at + rowLength > policy.maxSize();
    }

    private static LocalDate day(Instant t) {
        return t == null ? null : LocalDate.ofInstant(t, ZoneOffset.UTC);
    }

    /** Writes the chunk whole; on failure undoes the partial write and reports the rows as lost. */
    private int flush(Chunk chunk) {
        if (chunk.rows == 0) {
            return 0;
        }
        int rows = chunk.rows;
        long before = size;
        try {
            ByteBuffer buffer = ByteBuffer.wrap(chunk.bytes, 0, chunk.length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            size += chunk.length;
            return rows;
        } catch (IOException | RuntimeException e) {
            problems.writeFailed(path, "write", e, rows);
            undo(before);
            return 0;
        } finally {
            chunk.clear();
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
            closeChannel(false); // reopening repairs a torn end
        }
    }

    /** Sets the file aside and starts a new one; false when it could not be renamed (rows go on to it). */
    private boolean rotate(String reason) {
        Instant stamp = firstRowAt != null ? firstRowAt : clock.instant();
        closeChannel(true);
        Path target;
        try {
            target = rotatedPath(stamp);
            Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            if (!rotateProblemNoted) {
                rotateProblemNoted = true;
                problems.note("cannot rotate " + path + " (" + reason + "): " + describe(e) + "; writing on to it");
            }
            return false;
        }
        rotateProblemNoted = false;
        generation++;
        firstRowAt = null;
        prune();
        ensureOpen();
        return true;
    }

    /** {@code NAME-STAMP.csv}, or {@code NAME-STAMP-N.csv} with N above every file of that stamp. */
    private Path rotatedPath(Instant stamp) throws IOException {
        String text = STAMP.format(stamp);
        int next = 0;
        for (Rotated r : rotatedFiles()) {
            if (r.stamp.equals(text)) {
                next = Math.max(next, r.sequence + 1);
            }
        }
        return dir.resolve(baseName + "-" + text + (next == 0 ? "" : "-" + next) + HistoryFiles.EXTENSION);
    }

    private record Rotated(Path path, String stamp, int sequence) {
    }

    /** Rotated files of this log, oldest first. */
    List<Path> rotated() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Rotated r : rotatedFiles()) {
            out.add(r.path);
        }
        return out;
    }

    private List<Rotated> rotatedFiles() throws IOException {
        List<Rotated> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, baseName + "-*" + HistoryFiles.EXTENSION)) {
            for (Path p : files) {
                Matcher m = rotatedName.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Rotated(p, m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
                }
            }
        }
        out.sort(Comparator.comparing(Rotated::stamp).thenComparingInt(Rotated::sequence));
        return out;
    }

    private void prune() {
        try {
            List<Rotated> all = rotatedFiles();
            for (int i = 0; i < all.size() - policy.keep(); i++) {
                Files.deleteIfExists(all.get(i).path);
            }
            pruneProblemNoted = false;
        } catch (IOException | RuntimeException e) {
            if (!pruneProblemNoted) {
                pruneProblemNoted = true;
                problems.note("cannot delete old rotated files of " + path + ": " + describe(e));
            }
        }
    }

    private boolean ensureOpen() {
        if (channel != null) {
            return true;
        }
        if (closed) {
            return false;
        }
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long sz = repairTail(ch);
            if (sz > 0 && !startsWithHeader(ch)) {
                ch.close();
                ch = null;
                Instant stamp = Files.getLastModifiedTime(path).toInstant();
                Path aside = rotatedPath(stamp);
                Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
                generation++;
                problems.note(path + " has another header; set it aside as " + aside.getFileName());
                ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                sz = ch.size();
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
            lastOpenFailure = null;
            return true;
        } catch (IOException | RuntimeException e) {
            lastOpenFailure = e;
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            return false;
        }
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
        problems.note(path + " ended in half a line (" + (sz - keep) + " bytes, an interrupted write); cut it off");
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
        String start = new String(b.array(), 0, b.limit(), StandardCharsets.UTF_8);
        int comma = start.indexOf(',');
        if (comma > 0) {
            try {
                return Instant.parse(start.substring(0, comma));
            } catch (DateTimeParseException e) {
                // not one of our times: fall back on the file's own
            }
        }
        return Files.getLastModifiedTime(path).toInstant();
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

    private void closeChannel(boolean sync) {
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

    static String describe(Exception e) {
        return e == null ? "unknown error" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Whole rows waiting for one write. */
    private static final class Chunk {
        byte[] bytes = new byte[4096];
        int length;
        int rows;

        void add(byte[] row) {
            if (length + row.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + row.length));
            }
            System.arraycopy(row, 0, bytes, length, row.length);
            length += row.length;
            rows++;
        }

        void clear() {
            length = 0;
            rows = 0;
            if (bytes.length > 4 * CHUNK) {
                bytes = new byte[4096];
            }
        }
    }
}
