package io.portwatch.testing;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Waiting for a state in tests: the state is checked again and again until it holds or the deadline passes, never
 * a fixed sleep that hopes it is long enough. One place for the loop, its interval and its failure message.
 */
public final class Poll {

    /** How often a condition is checked again. */
    private static final long INTERVAL_MILLIS = 20;

    /** A check that may throw (a connection refused while a server starts counts as "not yet" only if caught). */
    @FunctionalInterface
    public interface Check<T> {
        /** The value when the state is reached; null or {@code false} when not yet. */
        T get() throws Exception;
    }

    private Poll() {
    }

    /** Checks until {@code check} gives true, failing with {@code what} (read at that moment) after {@code timeout}. */
    public static void until(Duration timeout, Supplier<String> what, Check<Boolean> check) throws Exception {
        value(timeout, what, check);
    }

    /** As {@link #until(Duration, Supplier, Check)}, with a fixed message. */
    public static void until(Duration timeout, String what, Check<Boolean> check) throws Exception {
        value(timeout, () -> what, check);
    }

    /** The first value {@code check} gives that is neither null nor {@code false}; fails after {@code timeout}. */
    public static <T> T value(Duration timeout, Supplier<String> what, Check<T> check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = check.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                return value;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what.get());
            }
            Thread.sleep(INTERVAL_MILLIS);
        }
    }
}
