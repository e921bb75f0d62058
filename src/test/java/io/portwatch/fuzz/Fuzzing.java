package io.portwatch.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared by the fuzz tests ({@code @FuzzTest}, JUnit tag {@code jazzer}): each counts the inputs it was given and
 * checks, after all, that it really fuzzed when asked to, so that fuzzing in CI cannot silently turn into a run
 * of the seeds alone (a misspelt environment variable, a changed Jazzer default).
 */
public final class Fuzzing {

    /** Fewer inputs than this in a fuzzing run means the fuzzer did not run (the slowest target does thousands). */
    static final long MIN_INPUTS = 1000;

    private Fuzzing() {
    }

    /** True when Jazzer fuzzes ({@code JAZZER_FUZZ} set and not empty), false when it runs the seeds. */
    public static boolean asked() {
        String v = System.getenv("JAZZER_FUZZ");
        return v != null && !v.isEmpty();
    }

    /** Fails unless a fuzz test was given inputs: at least {@link #MIN_INPUTS} when fuzzing, one otherwise. */
    public static void assertRan(Class<?> test, long inputs) {
        long least = asked() ? MIN_INPUTS : 1;
        assertTrue(inputs >= least, () -> test.getSimpleName() + " was given " + inputs + " inputs, expecting at least "
                + least + (asked() ? " (JAZZER_FUZZ is set: fuzzing; fewer when the fuzzer stopped at a finding, reported with"
                + " the input)" : " (its seeds)"));
    }
}
