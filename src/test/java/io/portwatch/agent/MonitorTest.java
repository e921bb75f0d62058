package io.portwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Health;
import io.portwatch.state.MonitorState;
import io.portwatch.scan.NameCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.portwatch.testing.FakeSource;
import io.portwatch.testing.TestClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The scan loop: reloads, failures, overruns, and readers that never wait. Driven through {@link Monitor#cycle()}. */
class MonitorTest {

    @TempDir
    Path defs;

    private final NameCache names = new NameCache(NameCache.SYSTEM, Duration.ofHours(1));
    private Monitor monitor;

    @AfterEach
    void close() {
        if (monitor != null) {
            monitor.close();
        }
        names.close();
    }

    private final TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
    /** The monitor's time for cycles and their schedule: it moves only when the test says. */
    private final TestTicker ticker = new TestTicker();

    /** Writes the listening file, modified now by the test's clock, and lets a second pass: it is settled. */
    private void write(String listeningRows) throws IOException {
        Path file = defs.resolve("monitoredListeningPorts.csv");
        Files.writeString(file, "id,ipProtocol,localIP,localPort,procName,comment\n" + listeningRows);
        Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
        clock.advance(Duration.ofSeconds(1));
    }

    private Monitor monitor(FakeSource source, Duration interval) {
        monitor = new Monitor(source, names, EvaluationOptions.forHost("test"), defs, interval, "test", clock, ticker,
                DefinitionsWatcher.READ_DEADLINE, io.portwatch.config.DefinitionsLoader::loadFile);
        return monitor;
    }

    @Test
    void brokenFileKeepsTheLastGoodDefinitionsAndSaysSo() throws IOException {
        write("a,tcp,,22,sshd,\n");
        Monitor m = monitor(new FakeSource(), Duration.ofSeconds(15));
        m.cycle();
        assertEquals(1, m.state().definitions().listening().size());
        assertEquals(Health.RED, m.state().worst());

        write("a,tcp,,22a,sshd,\n");
        m.cycle();
        MonitorState broken = m.state();
        assertEquals("a", broken.definitions().listening().get(0).id(), "last good definitions stay");
        assertEquals(List.of("monitoredListeningPorts.csv:2: localPort: expecting 1-65535 (found \"22a\")"),
                broken.configErrors());
        assertEquals(1, broken.reloadsFailed());
        assertEquals(0, broken.reloadsOk());

        write("a,tcp,,22,sshd,\nb,udp,,53,,\n");
        m.cycle();
        assertEquals(2, m.state().definitions().listening().size());
        assertEquals(List.of(), m.state().configErrors());
        assertEquals(1, m.state().reloadsOk());
    }

    @Test
    void reloadDefinitionsOperationReadsBothFilesAgainUnchangedAndScans() throws Exception {
        write("a,tcp,,22,sshd,\n");
        FakeSource source = new FakeSource();
        Monitor m = monitor(source, Duration.ofSeconds(15));
        m.cycle();
        assertEquals(0, m.state().reloadsOk(), "an unchanged file is not read again by a cycle");

        m.reloadDefinitions();
        m.afterQueuedCycles().get(10, TimeUnit.SECONDS);

        assertEquals(2, m.state().reloadsOk(), "each file read again counts: the listening file and the missing"
                + " connections file (no rows before, none now)");
        assertEquals(2, source.scans.get(), "the reload is a cycle: it scans with what it read");
    }

    @Test
    void scanNowCallsWhileOneIsPendingQueueNothing() throws Exception {
        write("a,tcp,,22,sshd,\n");
        FakeSource source = new FakeSource();
        Monitor m = monitor(source, Duration.ofSeconds(15));
        source.gate = new CountDownLatch(1);
        m.scanNow(); // runs, and waits at the gate
        assertTrue(source.begun.tryAcquire(10, TimeUnit.SECONDS), "the requested scan began");

        for (int i = 0; i < 2000; i++) { // one Jolokia bulk request's worth
            m.scanNow();
            m.reloadDefinitions();
        }
        assertEquals(1, source.gate.getCount(), "4,000 calls returned while the scan was still held at its gate");
        Future<?> drained = m.afterQueuedCycles();
        source.gate.countDown();
        drained.get(10, TimeUnit.SECONDS);

        assertEquals(2, source.scans.get(), "the scan running, and one more for all 4,000 calls");
        assertEquals(2, m.state().reloadsOk(), "the one queued cycle read both files again");
    }

    @Test
    void failedScanKeepsTheLastResultsMarkedStaleAndCountsIt() throws IOException {
        write("a,tcp,,22,sshd,\n");
        FakeSource source = new FakeSource();
        Monitor m = monitor(source, Duration.ofSeconds(15));
        m.cycle();
        Instant lastGood = m.state().lastScanAt().orElseThrow();
        source.failure = new IOException("cannot read /proc/net/tcp");
        m.cycle();
        MonitorState stale = m.state();
        assertTrue(stale.stale());
        assertEquals("IOException: cannot read /proc/net/tcp", stale.lastScanError());
        assertEquals(2, stale.scans());
        assertEquals(1, stale.scanFailures());
        assertEquals(lastGood, stale.lastScanAt().orElseThrow());
        assertEquals(Health.RED, stale.worst(), "the results stay; a failed scan turns nothing RED by itself");
        source.failure = null;
        m.cycle();
        assertFalse(m.state().stale());
    }

    @Test
    void scanLongerThanTheIntervalIsCountedAsOverrun() throws IOException {
        write("");
        FakeSource source = new FakeSource();
        source.during = () -> ticker.advance(Duration.ofMillis(60));
        Monitor m = monitor(source, Duration.ofMillis(20));
        m.cycle();
        assertEquals(1, m.state().overruns());
        assertEquals(Duration.ofMillis(60), m.state().lastScanDuration());
        source.during = () -> ticker.advance(Duration.ofMillis(20));
        m.cycle();
        assertEquals(1, m.state().overruns(), "a scan as long as the interval is not an overrun");
    }

    @Test
    void readersNeverWaitForAScanAndScansNeverOverlap() throws Exception {
        write("a,tcp,,22,sshd,\n");
        FakeSource source = new FakeSource();
        Monitor m = monitor(source, Duration.ofMillis(50));
        Semaphore published = new Semaphore(0);
        m.addListener((previous, next) -> published.release());
        source.gate = new CountDownLatch(1); // the first scan blocks until the test opens the gate
        m.start();
        assertTrue(source.begun.tryAcquire(10, TimeUnit.SECONDS), "the first scan began at start");

        MonitorState during = m.state();
        assertEquals(1, source.gate.getCount(), "state() answered while the scan was held: it did not wait for it");
        assertEquals(0, during.scans(), "no scan finished yet");

        ticker.advance(Duration.ofMillis(200)); // four intervals pass while the scan is held
        assertFalse(source.begun.tryAcquire(), "no second scan began beside the held one");
        source.gate.countDown();
        assertTrue(published.tryAcquire(10, TimeUnit.SECONDS), "the held scan published");
        assertEquals(1, m.state().overruns(), "the held scan overran the interval (200 ms of 50)");

        assertTrue(source.begun.tryAcquire(10, TimeUnit.SECONDS), "the overrun makes the next scan start at once");
        assertTrue(published.tryAcquire(10, TimeUnit.SECONDS));
        assertEquals(2, m.state().scans());
        assertFalse(source.begun.tryAcquire(), "and then none until the next interval is due");

        ticker.advance(Duration.ofMillis(50));
        assertTrue(source.begun.tryAcquire(10, TimeUnit.SECONDS), "the next interval's scan");
        assertTrue(published.tryAcquire(10, TimeUnit.SECONDS));
        assertEquals(3, m.state().scans());
        assertEquals(1, source.mostAtOnce.get(), "never two scans at once");
    }
}
