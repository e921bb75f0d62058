package io.portwatch.agent;

import java.util.concurrent.TimeUnit;

/**
 * The time the scan loop runs by: a monotonic nanosecond count to time cycles and to know when the next is due, and
 * the wait until then. {@link #SYSTEM} is {@link System#nanoTime()} and a timed {@link Object#wait}; tests step one
 * by hand, so the loop's scheduling is tested without sleeping.
 */
interface Ticker {

    /** Now, in nanoseconds from an arbitrary origin. */
    long nanoTime();

    /**
     * Waits on {@code lock} (whose monitor the caller holds) until it is notified or {@link #nanoTime()} reaches
     * {@code deadline}; {@code timed} false waits for a notification only. May return early: callers check again.
     */
    void await(Object lock, long deadline, boolean timed) throws InterruptedException;

    /** The system's monotonic clock. */
    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void await(Object lock, long deadline, boolean timed) throws InterruptedException {
            if (!timed) {
                lock.wait();
                return;
            }
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    };
}
