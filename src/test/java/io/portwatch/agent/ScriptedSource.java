package io.portwatch.agent;

import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketSource;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A socket source whose next answer the test decides: no sockets, a failure, a delay, or a wait at a gate. */
final class ScriptedSource implements SocketSource {
    volatile IOException failure;
    volatile Duration delay = Duration.ZERO;
    volatile CountDownLatch gate;
    final AtomicInteger scans = new AtomicInteger();

    @Override
    public Snapshot scan() throws IOException {
        scans.incrementAndGet();
        try {
            CountDownLatch g = gate;
            if (g != null) {
                g.await(10, TimeUnit.SECONDS);
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
