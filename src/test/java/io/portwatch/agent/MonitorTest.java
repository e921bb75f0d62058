package io.portwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Health;
import io.portwatch.health.MonitorState;
import io.portwatch.scan.NameCache;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

    /** A source whose next answer the test decides. */
    private static final class ScriptedSource implements SocketSource {
        volatile IOException failure;
        volatile Duration delay = Duration.ZERO;
        volatile CountDownLatch gate;
        final AtomicInteger scans = new AtomicInteger();

        @Override
        public Snapshot scan() throws IOException {
            scans.incrementAndGet();
            try {
                if (gate != null) {
                    gate.await(10, TimeUnit.SECONDS);
                }
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
            return new Snapshot(Instant.parse("2026-11-22T10:00:00Z"), Duration.ZERO, List.of(), Map.of());
        }

        @Override
        public String name() {
            return "scripted";
        }
    }

    private void write(String listeningRows) throws IOException {
        Path file = defs.resolve("monitoredListeningPorts.csv");
        Files.writeString(file, "id,ipProtocol,localIP,localPort,procName,comment\n" + listeningRows);
        // a different modification time each write, whatever the file system's resolution
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(writes++)));
    }

    private int writes;

    private Monitor monitor(ScriptedSource source, Duration interval) {
        monitor = new Monitor(source, names, EvaluationOptions.forHost("test"), defs, interval, "test", Clock.systemUTC());
        return monitor;
    }

    @Test
    void brokenFileKeepsTheLastGoodDefinitionsAndSaysSo() throws IOException {
        write("a,tcp,,22,sshd,\n");
        Monitor m = monitor(new ScriptedSource(), Duration.ofSeconds(15));
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
    void reloadDefinitionsOperationReadsTheFilesAgain() throws Exception {
        write("a,tcp,,22,sshd,\n");
        Monitor m = monitor(new ScriptedSource(), Duration.ofSeconds(15));
        m.reloadDefinitions();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (m.state().reloadsOk() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1, m.state().reloadsOk());
    }

    @Test
    void failedScanKeepsTheLastResultsMarkedStaleAndCountsIt() throws IOException {
        write("a,tcp,,22,sshd,\n");
        ScriptedSource source = new ScriptedSource();
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
        ScriptedSource source = new ScriptedSource();
        source.delay = Duration.ofMillis(60);
        Monitor m = monitor(source, Duration.ofMillis(20));
        m.cycle();
        assertEquals(1, m.state().overruns());
    }

    @Test
    void readersNeverWaitForAScanAndScansNeverOverlap() throws Exception {
        write("a,tcp,,22,sshd,\n");
        ScriptedSource source = new ScriptedSource();
        Monitor m = monitor(source, Duration.ofMillis(50));
        source.gate = new CountDownLatch(1); // the first scan blocks until the test opens the gate
        m.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (source.scans.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long t0 = System.nanoTime();
        MonitorState during = m.state();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "state() returned at once");
        assertEquals(0, during.scans(), "no scan finished yet");
        Thread.sleep(200); // several intervals pass while the scan is blocked
        assertEquals(1, source.scans.get(), "the next scan waits: never two at once");
        source.gate.countDown();
        while (m.state().scans() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(m.state().scans() >= 2);
        assertTrue(m.state().overruns() >= 1, "the blocked scan overran the interval");
    }
}
