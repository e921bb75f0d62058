package io.portwatch.agent;

import io.portwatch.support.DaemonThreads;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * At most one daemon thread that runs one file read at a time, for a caller that must not wait for
 * the read longer than it chooses (a FIFO blocks in open(2), which no interrupt ends). The caller
 * waits on the returned future with its own deadline and may stop waiting for a read that does not
 * finish; it must not start another read before that future is done (a second start is refused), so
 * threads and queued reads stay bounded (one each) however long a read hangs. The thread ends after
 * 30 s idle.
 */
final class ReadThread implements AutoCloseable {

    private final ThreadPoolExecutor pool;
    private final AtomicReference<Instant> busySince = new AtomicReference<>();

    ReadThread(String name) {
        pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named(name));
        pool.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts a read; {@code now} is when, by the caller's clock.
     *
     * @throws IllegalStateException when a read is still running (its future is not done)
     */
    <T> Future<T> start(Callable<T> read, Instant now) {
        if (!busySince.compareAndSet(null, now)) {
            throw new IllegalStateException("a read started at " + busySince.get() + " is still running");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                try {
                    T value = read.call();
                    busySince.set(null);
                    result.complete(value);
                } catch (Throwable t) { // handed to the caller, who reports it
                    busySince.set(null);
                    result.completeExceptionally(t);
                }
            });
        } catch (RuntimeException e) { // closed
            busySince.set(null);
            throw e;
        }
        return result;
    }

    /** Stops the thread; a read blocked in the kernel stays blocked, on a daemon thread. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
