package io.portwatch.history;

import io.portwatch.support.Errors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * One CSV log file that rotates: writes rows through a {@link CsvAppendFile} (crash-safe, whole lines) and sets the
 * file aside where its {@link RotationPolicy} says, naming and pruning the rotated files through {@link RotatedFiles}.
 * Thread-safe: writes and rotations are serialised, so a row lands whole in exactly one file.
 *
 * <ul>
 *   <li>The header is written when the file is created, and only then. An existing file whose first
 *       line is another header is set aside (rotated) rather than appended to.</li>
 *   <li>A rotation renames the file, stamped with the time of its first row, starts a new file with the
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

    /** Rows are written up to this many bytes at a time. */
    private static final int CHUNK = 64 * 1024;

    private final Path path;
    private final RotationPolicy policy;
    private final Clock clock;
    private final Problems problems;
    private final CsvAppendFile file;
    private final RotatedFiles rotatedFiles;

    private long generation;
    private boolean closed;
    private boolean rotateAtOpen;
    private boolean rotateProblemNoted;
    private boolean pruneProblemNoted;
    private Exception lastOpenFailure;

    /** A log named {@code baseName} among {@code files}, opened and set aside as {@link OwnedFiles} says. */
    RotatingCsvFile(OwnedFiles files, String baseName, List<String> columns, RotationPolicy policy, Clock clock,
                    Problems problems) {
        this(files.directory(), baseName, columns, files::open, policy, clock, problems);
    }

    /** For testing only: {@code opener} opens the live file (a test's may give a full disk). */
    RotatingCsvFile(Path dir, String baseName, List<String> columns, CsvAppendFile.Opener opener, RotationPolicy policy,
                    Clock clock, Problems problems) {
        this.path = dir.resolve(baseName + HistoryFiles.EXTENSION);
        this.policy = policy;
        this.clock = clock;
        this.problems = problems;
        this.file = new CsvAppendFile(path, Csv.header(columns).getBytes(StandardCharsets.UTF_8), opener, problems::note);
        this.rotatedFiles = new RotatedFiles(dir, baseName);
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
            if (file.hasRows(file.size())) {
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
            long at = file.size() + chunk.length;
            if (mayRotate && file.hasRows(at) && policy.due(file.firstRowAt(), today, at + row.length)) {
                written += flush(chunk);
                boolean newDay = policy.newDay(file.firstRowAt(), today);
                if (file.isOpen() && !rotate(newDay ? "daily" : "size")) {
                    mayRotate = false;
                }
                continue;
            }
            if (!file.hasRows(at)) {
                file.firstRowAt(clock.instant());
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
        if (!closed && openForWrite() && file.hasRows(file.size())
                && policy.newDay(file.firstRowAt(), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))) {
            rotate("daily");
        }
    }

    /** Rotates now if the file has rows (an operator's or a test's request). */
    synchronized void rotateNow() {
        if (!closed && openForWrite() && file.hasRows(file.size())) {
            rotate("request");
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        file.close(true);
    }

    /** Writes the chunk whole; on failure (undone by the file) reports the rows as lost. */
    private int flush(Chunk chunk) {
        if (chunk.rows == 0) {
            return 0;
        }
        int rows = chunk.rows;
        try {
            file.append(chunk.bytes, chunk.length);
            return rows;
        } catch (IOException | RuntimeException e) {
            problems.writeFailed(path, "write", e, rows);
            return 0;
        } finally {
            chunk.clear();
        }
    }

    /** Sets the file aside and starts a new one; false when it could not be renamed (rows go on to it). */
    private boolean rotate(String reason) {
        Instant stamp = file.firstRowAt() != null ? file.firstRowAt() : clock.instant();
        file.close(true);
        try {
            OwnedFiles.moveAside(path, rotatedFiles.next(stamp));
        } catch (IOException | RuntimeException e) {
            if (!rotateProblemNoted) {
                rotateProblemNoted = true;
                problems.note("cannot rotate " + path + " (" + reason + "): " + Errors.text(e) + "; writing on to it");
            }
            return false;
        }
        rotateProblemNoted = false;
        generation++;
        file.firstRowAt(null);
        prune();
        ensureOpen();
        return true;
    }

    /** Rotated files of this log, oldest first. */
    List<Path> rotated() throws IOException {
        return rotatedFiles.list();
    }

    private void prune() {
        try {
            rotatedFiles.prune(policy.keep());
            pruneProblemNoted = false;
        } catch (IOException | RuntimeException e) {
            if (!pruneProblemNoted) {
                pruneProblemNoted = true;
                problems.note("cannot delete old rotated files of " + path + ": " + Errors.text(e));
            }
        }
    }

    private boolean ensureOpen() {
        if (file.isOpen()) {
            return true;
        }
        if (closed) {
            return false;
        }
        try {
            if (file.open() == CsvAppendFile.Opened.OTHER_HEADER) {
                Path aside = rotatedFiles.next(Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant());
                OwnedFiles.moveAside(path, aside);
                generation++;
                problems.note(path + " has another header; set it aside as " + aside.getFileName());
                if (file.open() != CsvAppendFile.Opened.OPEN) {
                    throw new IOException(path + " has another header again");
                }
            }
            lastOpenFailure = null;
            return true;
        } catch (IOException | RuntimeException e) {
            lastOpenFailure = e;
            return false;
        }
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
