package io.portwatch.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class NamePatternTest {

    /**
     * Not a time window: a linear match of 255 characters takes microseconds; the backtracking one took seconds.
     */
    private static final Duration AT_ONCE = Duration.ofSeconds(2);

    @Test
    void exactCaseInsensitiveNeverSubstring() {
        NamePattern java = NamePattern.of("java");
        assertTrue(java.matches("java"));
        assertTrue(java.matches("JAVA"));
        assertTrue(java.matches("java.exe"));
        assertFalse(java.matches("javaw"));
        assertFalse(java.matches("javaw.exe"));
        assertFalse(java.matches("myjava"));
        assertFalse(java.matches(null));
    }

    @Test
    void globsAndAny() {
        assertTrue(NamePattern.of("post*").matches("postgres"));
        assertTrue(NamePattern.of("java?").matches("javaw"));
        assertFalse(NamePattern.of("java?").matches("java"));
        assertTrue(NamePattern.of("a.b").matches("a.b"));
        assertFalse(NamePattern.of("a.b").matches("axb"), "dots are literal");
        assertTrue(NamePattern.of("").isAny());
        assertTrue(NamePattern.of("*").matches(null));
    }

    /**
     * Found by fuzzing the criteria reader: a glob with many stars against a long name (an executable's base
     * name, up to 255 characters, chosen by any local user) took seconds per match as a regular expression.
     */
    @Test
    void aGlobWithManyStarsMatchesALongNameAtOnce() {
        String name = "a".repeat(255);
        assertTimeoutPreemptively(AT_ONCE, () -> {
            assertFalse(NamePattern.of("*a*a*a*a*a*a*a*a*a*a*b").matches(name));
            assertTrue(NamePattern.of("*A*a*a*a*a*a*a*a*a*a*").matches(name));
        });
    }

    @Test
    void caseFoldsBeyondAscii() {
        assertTrue(NamePattern.of("ÄRGER*").matches("ärgerlich"));
        assertTrue(NamePattern.of("Straße").matches("STRAßE"));
    }
}
