package io.portwatch.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of one endpoint's answers that are built and not yet sent ({@code http.maxBytesInFlight}):
 * reserved while an answer is built, released when its last byte is sent or its connection is cut.
 * Thread-safe.
 */
final class BytesInFlight {

    private final long max;
    private final AtomicLong used = new AtomicLong();

    BytesInFlight(long max) {
        this.max = max;
    }

    /** Whether the endpoint has no room left: a new request is refused before it is handled. */
    boolean full() {
        return used.get() >= max;
    }

    /** Reserves {@code bytes} if they fit under the bound. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = used.get();
            if (now + bytes > max) {
                return false;
            }
            if (used.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long max() {
        return max;
    }
}
