package io.portwatch.agent;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} the test steps by hand: time moves only in {@link #advance}, which wakes whoever waits for it. */
final class TestTicker implements Ticker {

    private final AtomicLong now = new AtomicLong();
    private final Set<Object> waiting = ConcurrentHashMap.newKeySet();

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void await(Object lock, long deadline, boolean timed) throws InterruptedException {
        waiting.add(lock);
        if (!timed || now.get() - deadline < 0) {
            lock.wait();
        }
    }

    /** Moves time on, and wakes the waiters so that they look at it. */
    void advance(Duration d) {
        now.addAndGet(d.toNanos());
        for (Object lock : waiting) {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }
}
