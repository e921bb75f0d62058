package io.portwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.DefinitionsLoader;
import io.portwatch.health.ConnectionQuality;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.scan.NameCache;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.TcpQuality;
import io.portwatch.testing.FakeSource;
import io.portwatch.testing.SnapshotBuilder;
import io.portwatch.testing.Sockets;
import io.portwatch.testing.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/** The monitor carries connection quality from one scan to the next: counters grow across scans and failed scans. */
class MonitorQualityTest {

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

    /** java's one connection to the database, with these counters. */
    private static Snapshot scan(long cookie, long sent, long retransmitted) {
        return new SnapshotBuilder().process(10, "java")
                .socket(Sockets.tcp("10.0.0.1", 40001, "10.1.2.3", 5432, SocketState.ESTABLISHED, cookie, 10)
                        .withQuality(new TcpQuality(cookie, 1_000, sent, retransmitted, 0, 0, 0, 0)))
                .build();
    }

    private ConnectionQuality quality() {
        return monitor.state().evaluation().orElseThrow().connections().get(0).quality().orElseThrow();
    }

    @Test
    void countersGrowFromScanToScanAndAFailedScanLosesNothing() throws IOException {
        Files.writeString(defs.resolve("monitoredTcpConnects.csv"), "id,remoteIP,remotePort,procName\ndb,10.1.2.3,5432,java\n");
        FakeSource source = new FakeSource(scan(1, 100, 1), scan(1, 150, 2), scan(2, 30, 0));
        TestClock clock = new TestClock(Instant.parse("2030-01-01T00:00:00Z"));
        monitor = new Monitor(source, names, EvaluationOptions.forHost("test"), defs, Duration.ofSeconds(15), "test",
                clock, new TestTicker(), DefinitionsWatcher.READ_DEADLINE, DefinitionsLoader::loadFile);

        monitor.cycle();
        assertEquals(100, quality().sentSegments());
        monitor.cycle();
        assertEquals(150, quality().sentSegments());
        assertEquals(2, quality().retransmittedSegments());

        source.failure = new IOException("netlink dump interrupted");
        monitor.cycle();
        assertTrue(monitor.state().stale());
        assertEquals(150, quality().sentSegments(), "a failed scan keeps the last results");

        source.failure = null;
        monitor.cycle(); // socket 1 gone, socket 2 new: 150 + 30
        assertEquals(180, quality().sentSegments());
        assertEquals(2, quality().retransmittedSegments());
    }
}
