package io.portwatch.agent;

import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketSource;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A socket source whose next answer the test decides: no sockets, a failure, something done during the scan (a
 * ticker stepped: the scan "takes" that long), or a wait at a gate. It tells who waits for it when a scan has begun,
 * and counts the most scans ever running at once.
 */
final class ScriptedSource implements SocketSource {
    volatile IOException failure;
    volatile Runnable during = () -> { };
    volatile CountDownLatch gate;
    final AtomicInteger scans = new AtomicInteger();
    final Semaphore begun = new Semaphore(0);
    private final AtomicInteger running = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();

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
        return new Snapshot(Instant.parse("2026-11-22T10:00:00Z"), Duration.ZERO, List.of(), Map.of());
    }

    @Override
    public String name() {
        return "scripted";
    }
}
