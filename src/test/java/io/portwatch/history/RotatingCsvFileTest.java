package io.portwatch.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.support.FileTrust;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.portwatch.testing.TestClock;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

class RotatingCsvFileTest {

    private static final List<String> COLUMNS = List.of("time", "n", "text");
    private static final String HEADER = "time,n,text\n";

    @TempDir
    Path dir;

    private final TestClock clock = new TestClock("2026-11-22T10:00:00Z");
    private final Recorder problems = new Recorder();

    /** What the file reported. */
    static final class Recorder implements RotatingCsvFile.Problems {
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger written = new AtomicInteger();
        final List<String> notes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void writeFailed(Path file, String action, Exception cause, int rows) {
            failed.addAndGet(rows);
            notes.add("failed " + action + " " + rows + ": " + cause);
        }

        @Override
        public void written(Path file, int rows) {
            written.addAndGet(rows);
        }

        @Override
        public void note(String message) {
            notes.add(message);
        }
    }

    private RotatingCsvFile log(long maxSize, boolean daily, int keep) {
        return new RotatingCsvFile(new OwnedFiles(dir, FileTrust.strict()), "log", COLUMNS,
                new RotationPolicy(maxSize, daily, keep), clock, problems);
    }

    private String row(int n) {
        return Csv.line(HistoryFiles.formatTime(clock.instant()), n, "said \"hi\", twice");
    }

    private List<String> rows(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(row(i));
        }
        return out;
    }

    private List<String> numbers(Path file) throws IOException {
        return CsvFiles.rows(file, COLUMNS).stream().map(r -> r.get(1)).collect(Collectors.toList());
    }

    @Test
    void rotateSettingAcceptsAnyOfSizeDailyStartOrNoneAndNamesABadValue() {
        assertEquals(java.util.EnumSet.allOf(Rotation.class), Rotation.parse("size,daily,start"));
        assertEquals(java.util.EnumSet.of(Rotation.DAILY), Rotation.parse(" Daily "));
        assertEquals(java.util.EnumSet.noneOf(Rotation.class), Rotation.parse("none"));
        assertEquals(java.util.EnumSet.noneOf(Rotation.class), Rotation.parse(""));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Rotation.parse("size,weekly"));
        assertEquals("history.rotate: expecting any of size, daily, start separated by commas, or none (found \"size,weekly\")",
                e.getMessage());
    }

    @Test
    void headerIsWrittenWhenTheFileIsCreatedAndNeverAgain() throws IOException {
        try (RotatingCsvFile log = log(0, false, 3)) {
            log.start(false);
            assertEquals(HEADER, Files.readString(dir.resolve("log.csv")));
            assertEquals(2, log.append(rows(0, 2)));
        }
        try (RotatingCsvFile log = log(0, false, 3)) {
            log.start(false);
            assertEquals(1, log.append(rows(2, 3)));
        }
        assertEquals(HEADER + "2026-11-22T10:00:00.000Z,0,\"said \"\"hi\"\", twice\"\n"
                + "2026-11-22T10:00:00.000Z,1,\"said \"\"hi\"\", twice\"\n"
                + "2026-11-22T10:00:00.000Z,2,\"said \"\"hi\"\", twice\"\n", Files.readString(dir.resolve("log.csv")));
        assertEquals(List.of(), problems.notes);
    }

    @Test
    void sizeRotationKeepsEveryFileWithinMaxSizeAndOnlyTheNewestKeepFiles() throws IOException {
        int rowLength = row(0).length();
        try (RotatingCsvFile log = log(HEADER.length() + 3L * rowLength, false, 2)) {
            log.start(false);
            for (int i = 0; i < 10; i++) {
                assertEquals(1, log.append(List.of(row(i))));
                clock.advance(java.time.Duration.ofSeconds(1));
            }
            List<Path> rotated = log.rotated();
            assertEquals(List.of("log-20261122T100003Z.csv", "log-20261122T100006Z.csv"),
                    rotated.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList()));
            assertEquals(List.of("3", "4", "5"), numbers(rotated.get(0)));
            assertEquals(List.of("6", "7", "8"), numbers(rotated.get(1)));
            assertEquals(List.of("9"), numbers(dir.resolve("log.csv")));
            for (Path p : CsvFiles.files(dir, "log")) {
                assertTrue(Files.size(p) <= HEADER.length() + 3L * rowLength, p + " is " + Files.size(p) + " bytes");
            }
        }
    }

    @Test
    void filesStartedInTheSameSecondAreNumberedInOrder() throws IOException {
        try (RotatingCsvFile log = log(HEADER.length() + row(0).length(), false, 10)) {
            log.start(false);
            assertEquals(4, log.append(rows(0, 4)));
            assertEquals(List.of("log-20261122T100000Z.csv", "log-20261122T100000Z-1.csv", "log-20261122T100000Z-2.csv"),
                    log.rotated().stream().map(p -> p.getFileName().toString()).collect(Collectors.toList()));
            assertEquals(List.of("0"), numbers(log.rotated().get(0)));
            assertEquals(List.of("2"), numbers(log.rotated().get(2)));
            assertEquals(List.of("3"), numbers(dir.resolve("log.csv")));
        }
    }

    @Test
    void dailyRotationHappensAtTheFirstWriteOfANewUtcDay() throws IOException {
        clock.set("2026-11-22T23:59:58Z");
        try (RotatingCsvFile log = log(0, true, 5)) {
            log.start(false);
            log.append(rows(0, 2));
            clock.set("2026-11-23T00:00:01Z");
            assertEquals(List.of(), log.rotated(), "nothing happens until a row is written");
            log.append(rows(2, 3));
            assertEquals(List.of(dir.resolve("log-20261122T235958Z.csv")), log.rotated());
            assertEquals(List.of("0", "1"), numbers(log.rotated().get(0)));
            assertEquals(List.of("2"), numbers(dir.resolve("log.csv")));
            clock.set("2026-11-23T23:00:00Z");
            log.append(rows(3, 4));
            assertEquals(1, log.rotated().size(), "same day: no rotation");
        }
    }

    @Test
    void dailyRotationAlsoAppliesToAFileLeftByAnEarlierRunOnAnotherDay() throws IOException {
        try (RotatingCsvFile log = log(0, true, 5)) {
            log.start(false);
            log.append(rows(0, 1));
        }
        clock.set("2026-11-24T08:00:00Z");
        try (RotatingCsvFile log = log(0, true, 5)) {
            log.start(false);
            log.append(rows(1, 2));
            assertEquals(List.of(dir.resolve("log-20261122T100000Z.csv")), log.rotated());
            assertEquals(List.of("1"), numbers(dir.resolve("log.csv")));
        }
    }

    @Test
    void startRotationSetsAsideAFileWithRowsButNotAHeaderOnlyFile() throws IOException {
        try (RotatingCsvFile log = log(0, false, 5)) {
            log.start(true);
            assertEquals(List.of(), log.rotated(), "a new file");
        }
        try (RotatingCsvFile log = log(0, false, 5)) {
            log.start(true);
            assertEquals(List.of(), log.rotated(), "header only: nothing to set aside");
            log.append(rows(0, 2));
        }
        clock.set("2026-11-22T11:00:00Z");
        try (RotatingCsvFile log = log(0, false, 5)) {
            log.start(true);
            assertEquals(List.of(dir.resolve("log-20261122T100000Z.csv")), log.rotated());
            assertEquals(HEADER, Files.readString(dir.resolve("log.csv")));
            log.append(rows(2, 3));
            assertEquals(List.of("0", "1"), numbers(log.rotated().get(0)));
            assertEquals(List.of("2"), numbers(dir.resolve("log.csv")));
        }
    }

    @Test
    void aTornLastLineIsCutOffWhenTheFileIsOpened() throws IOException {
        Files.writeString(dir.resolve("log.csv"), HEADER + row(0) + "2026-11-22T10:00:00.000Z,1,\"said \"\"h");
        try (RotatingCsvFile log = log(0, false, 5)) {
            log.start(false);
            log.append(rows(2, 3));
        }
        assertEquals(List.of("0", "2"), numbers(dir.resolve("log.csv")));
        assertEquals(List.of(dir.resolve("log.csv") + " ended in half a line (36 bytes, an interrupted write); cut it off"),
                problems.notes);
    }

    @Test
    void aFileWithAnotherHeaderIsSetAsideNotAppendedTo() throws IOException {
        Files.writeString(dir.resolve("log.csv"), "when,what\nyesterday,x\n");
        Files.setLastModifiedTime(dir.resolve("log.csv"), java.nio.file.attribute.FileTime.from(
                java.time.Instant.parse("2026-11-21T09:00:00Z")));
        try (RotatingCsvFile log = log(0, false, 5)) {
            log.start(false);
            log.append(rows(0, 1));
            assertEquals(List.of(dir.resolve("log-20261121T090000Z.csv")), log.rotated());
        }
        assertEquals("when,what\nyesterday,x\n", Files.readString(dir.resolve("log-20261121T090000Z.csv")));
        assertEquals(List.of("0"), numbers(dir.resolve("log.csv")));
    }

    @Test
    void aBurstFromManyThreadsWhileRotatingLosesNoRowAndTearsNone() throws Exception {
        int threads = 4;
        int perThread = 2500;
        AtomicBoolean writing = new AtomicBoolean(true);
        try (RotatingCsvFile log = log(2048, false, 100_000)) {
            log.start(false);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                Thread w = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; ) {
                        int batch = Math.min(1 + i % 7, perThread - i); // single rows and small batches
                        log.append(rows(base + i, base + i + batch));
                        i += batch;
                    }
                });
                w.start();
                writers.add(w);
            }
            Thread rotator = new Thread(() -> {
                while (writing.get()) {
                    log.rotateNow();
                    Thread.onSpinWait();
                }
            });
            rotator.start();
            go.countDown();
            for (Thread w : writers) {
                w.join(60_000);
            }
            writing.set(false);
            rotator.join(60_000);
        }
        List<CSVRecord> all = CsvFiles.allRows(dir, "log", COLUMNS);
        assertEquals(threads * perThread, all.size());
        Set<String> seen = new HashSet<>();
        for (CSVRecord r : all) {
            assertEquals("said \"hi\", twice", r.get(2));
            assertTrue(seen.add(r.get(1)), "row " + r.get(1) + " written twice");
        }
        assertEquals(threads * perThread, problems.written.get());
        assertEquals(0, problems.failed.get());
        assertTrue(CsvFiles.files(dir, "log").size() > 100, "rotated many times");
    }

    @Test
    void anUnusableDirectoryCountsTheRowsAsFailedAndThrowsNothing() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
        RotatingCsvFile log = new RotatingCsvFile(new OwnedFiles(notADirectory.resolve("history"), FileTrust.strict()),
                "log", COLUMNS, new RotationPolicy(0, true, 5), clock, problems);
        log.start(true);
        assertEquals(0, log.append(rows(0, 3)));
        log.rotateNow();
        assertEquals(0, log.append(rows(3, 4)));
        assertEquals(4, problems.failed.get());
        log.close();
    }

    @Test
    void aFullDiskLosesOnlyTheRowsOfThatWriteAndWritingResumesAfterwards() throws IOException {
        Path full = Path.of("/dev/full");
        if (!Files.exists(full)) {
            throw new IllegalStateException("this test needs /dev/full (Linux) to fill a disk");
        }
        OwnedFiles files = new OwnedFiles(dir, FileTrust.strict());
        AtomicBoolean diskFull = new AtomicBoolean(true);
        CsvAppendFile.Opener opener = file -> diskFull.get()
                ? FileChannel.open(full, StandardOpenOption.READ, StandardOpenOption.WRITE) : files.open(file);
        try (RotatingCsvFile log = new RotatingCsvFile(dir, "log", COLUMNS, opener, new RotationPolicy(0, false, 5),
                clock, problems)) {
            log.start(false);
            assertEquals(0, log.append(rows(0, 2)));
            assertEquals(2, problems.failed.get());
            assertTrue(problems.notes.get(0).contains("No space left on device"), problems.notes.toString());
            diskFull.set(false); // space again
            assertEquals(1, log.append(rows(2, 3)));
        }
        assertEquals(List.of("2"), numbers(dir.resolve("log.csv")));
    }
}
