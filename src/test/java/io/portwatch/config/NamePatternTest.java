package io.portwatch.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamePatternTest {

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
}
