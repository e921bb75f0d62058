package io.portwatch.testing;

import io.portwatch.state.MonitorControl;

import java.util.concurrent.atomic.AtomicInteger;

/** A {@link MonitorControl} that only counts how often each operation was called. */
public final class CountingControl implements MonitorControl {

    private final AtomicInteger scans = new AtomicInteger();
    private final AtomicInteger reloads = new AtomicInteger();

    @Override
    public void scanNow() {
        scans.incrementAndGet();
    }

    @Override
    public void reloadDefinitions() {
        reloads.incrementAndGet();
    }

    /** How often {@link #scanNow} was called. */
    public int scans() {
        return scans.get();
    }

    /** How often {@link #reloadDefinitions} was called. */
    public int reloads() {
        return reloads.get();
    }
}
