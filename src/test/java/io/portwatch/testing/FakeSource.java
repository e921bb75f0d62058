package io.portwatch.testing;

import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketSource;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one test {@link SocketSource}: hands out the given snapshots in turn (the last one again and again; an empty one
 * when none is given), or the failure the test sets; runs what the test gives it during a scan (a ticker stepped: the
 * scan "takes" that long) and can be held at a gate. It tells who waits on {@link #begun} when a scan has begun, counts
 * scans, and keeps the most scans ever running at once.
 */
public final class FakeSource implements SocketSource {

    public volatile IOException failure;
    public volatile Runnable during = () -> { };
    public volatile CountDownLatch gate;
    public final AtomicInteger scans = new AtomicInteger();
    public final Semaphore begun = new Semaphore(0);
    public final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final String name;
    private final Deque<Snapshot> snapshots;

    /** A source called {@code fake} of these snapshots. */
    public FakeSource(Snapshot... snapshots) {
        this("fake", snapshots);
    }

    public FakeSource(String name, Snapshot... snapshots) {
        this.name = name;
        this.snapshots = new ArrayDeque<>(List.of(snapshots));
        if (this.snapshots.isEmpty()) {
            this.snapshots.add(new Snapshot(Instant.parse("2026-11-22T10:00:00Z"), Duration.ZERO, List.of(), Map.of()));
        }
    }

    @Override
    public Snapshot scan() throws IOException {
        scans.incrementAndGet();
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        begun.release();
        try {
            CountDownLatch g = gate;
            if (g != null) {
                g.await(10, TimeUnit.SECONDS);
            }
            during.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.decrementAndGet();
        }
        if (failure != null) {
            throw failure;
        }
        synchronized (snapshots) {
            return snapshots.size() > 1 ? snapshots.poll() : snapshots.peek();
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** What {@link #measuresTcpQuality()} says (false, as every reader but netlink). */
    public volatile boolean measuresQuality;

    @Override
    public boolean measuresTcpQuality() {
        return measuresQuality;
    }
}
