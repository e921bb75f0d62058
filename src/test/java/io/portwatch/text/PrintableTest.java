package io.portwatch.text;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrintableTest {

    @Test
    void printableTextIsReturnedAsItIs() {
        String name = "java C:\\Program Files\\x ünïcödé 日本 \uD83D\uDE00";
        assertSame(name, Printable.of(name));
        assertTrue(Printable.isPrintable(name));
    }

    @Test
    void controlCharactersAreWrittenVisibly() {
        assertEquals("evil\\x1b[31mred\\x0aline2\\x09tab\\x7f\\x85", Printable.of("evil\u001b[31mred\nline2\ttab\u007f\u0085"));
        assertFalse(Printable.isPrintable("a\u0000b"));
        assertEquals("a\\x00b", Printable.of("a\u0000b"));
    }

    @Test
    void lineSeparatorsAndBidiOverridesAreWrittenVisibly() {
        assertEquals("a\\u2028b\\u202ec\\u2066", Printable.of("a\u2028b\u202ec\u2066"));
    }

    @Test
    void invalidUtf8BecomesReplacementCharactersNeverAnException() {
        byte[] bytes = {'n', 'g', (byte) 0xff, 'x', (byte) 0xc3, 0x1b, (byte) 0xe2, (byte) 0x82};
        assertEquals("ng\uFFFDx\uFFFD\\x1b\uFFFD", Printable.decode(bytes));
        assertEquals("ü", Printable.decode("ü".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void loneSurrogatesBecomeReplacementCharacters() {
        assertEquals("a\uFFFDb\uFFFD", Printable.of("a\uD800b\uDC00"));
    }
}
