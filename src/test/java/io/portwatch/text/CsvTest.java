package io.portwatch.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The one CSV dialect: what is written is read back the same, by it and by another RFC 4180 reader; reading is bounded. */
class CsvTest {

    /** Values every writer may be handed: separators, quotes, line breaks, blanks, a comment sign, non-ASCII. */
    private static final List<String> AWKWARD = List.of("plain", "", "a,b", "say \"hi\"", "two\nlines", "cr\r", "crlf\r\n",
            " leading", "trailing ", "#comment", "tab\t", "\"", ",", "\u00e9t\u00e9 \u2603 \ud83d\ude00", "a\"b", "\u3000wide");

    @TempDir
    Path dir;

    private static List<List<String>> readAll(String text) throws IOException {
        List<List<String>> out = new ArrayList<>();
        try (Csv.Reader r = new Csv.Reader(new StringReader(text), "t.csv")) {
            for (List<String> rec = r.next(); rec != null; rec = r.next()) {
                out.add(rec);
            }
        }
        return out;
    }

    private static IOException failure(String text) {
        return assertThrows(IOException.class, () -> readAll(text));
    }

    @Test
    void whatIsWrittenIsReadBackTheSameByTheDialectAndByCommonsCsv() throws IOException {
        StringBuilder text = new StringBuilder();
        for (String v : AWKWARD) {
            text.append(Csv.line(v, v, 7));
        }
        text.append(Csv.line(List.of(""))); // a record of one empty field is not a blank line
        List<List<String>> expected = new ArrayList<>();
        AWKWARD.forEach(v -> expected.add(List.of(v, v, "7")));
        expected.add(List.of(""));

        assertEquals(expected, readAll(text.toString()));
        List<List<String>> commons = new ArrayList<>();
        try (CSVParser p = CSVParser.builder().setReader(new StringReader(text.toString())).setFormat(CSVFormat.DEFAULT).get()) {
            p.forEach(r -> commons.add(r.toList()));
        }
        assertEquals(expected, commons);
    }

    @Test
    void fieldsAreQuotedOnlyWhenAReaderWouldOtherwiseReadAnotherValue() {
        // value → as written: separators, quotes and line breaks (RFC 4180); blanks at either end and a leading #
        // (readers that trim or take # for a comment); nothing else, IPv6 colons included
        Map<String, String> written = new LinkedHashMap<>();
        written.put(" x", "\" x\"");
        written.put("x\t", "\"x\t\"");
        written.put("#x", "\"#x\"");
        written.put("\uFEFFx", "\"\uFEFFx\""); // at the start of a file, a reader would skip it
        written.put("a#b", "a#b");
        written.put("2001:db8::1", "2001:db8::1");
        written.put("a\"b", "\"a\"\"b\"");
        written.forEach((value, form) -> assertEquals(form, Csv.field(value), value));
        assertEquals("a,,3,\"\"\"\"\n", Csv.line("a", null, 3, "\""));
        assertEquals("\"\"\n", Csv.line(""));
    }

    @Test
    void recordsEndInLfAndAreReadEndingInLfCrlfOrCrWithTheirLineNumbers() throws IOException {
        assertEquals("a,b\n", Csv.line("a", "b"));
        try (Csv.Reader r = new Csv.Reader(new StringReader("h1,h2\r\n\r\na,\"x\ny\"\rb,c\n\nd"), "t.csv")) {
            assertEquals(List.of("h1", "h2"), r.next());
            assertEquals(1, r.line());
            assertEquals(List.of("a", "x\ny"), r.next());
            assertEquals(3, r.line());
            assertEquals(List.of("b", "c"), r.next());
            assertEquals(5, r.line());
            assertEquals(List.of("d"), r.next());
            assertEquals(7, r.line());
            assertNull(r.next());
        }
    }

    @Test
    void theHeaderSkipsAByteOrderMarkAndPowerShellsTypeLine() throws IOException {
        String text = "\uFEFF#TYPE System.Management.Automation.PSCustomObject\n\"TimeStamp\",\"PID\"\n\"1\",\"4\"\n";
        try (Csv.Reader r = new Csv.Reader(new StringReader(text), "t.csv")) {
            assertEquals(Optional.of(List.of("TimeStamp", "PID")), r.header());
            assertEquals(List.of("1", "4"), r.next());
        }
        try (Csv.Reader r = new Csv.Reader(new StringReader("\n\n"), "t.csv")) {
            assertEquals(Optional.empty(), r.header());
        }
    }

    @Test
    void invalidUtf8IsReadAsReplacementCharactersNeverAnError() throws IOException {
        byte[] bytes = {'a', ',', 'b', (byte) 0xC8, 'c', ',', (byte) 0xFF, '\n'};
        try (Csv.Reader r = Csv.Reader.utf8(new java.io.ByteArrayInputStream(bytes), "t.csv")) {
            assertEquals(List.of("a", "b\uFFFDc", "\uFFFD"), r.next());
        }
    }

    @Test
    void whatTheDialectCannotTakeIsAnErrorNamingFileAndLine() {
        assertEquals("t.csv:2: a quoted field is not closed before the end of the file",
                failure("a,b\n1,\"never closed\n3,4\n").getMessage());
        assertEquals("t.csv:1: a character after the closing quote of a field (expecting a comma or the end of the line)",
                failure("\"a\"b,c\n").getMessage());
        assertEquals("t.csv:2: a field longer than " + Csv.MAX_FIELD_CHARS + " characters",
                failure("a\n" + "x".repeat(Csv.MAX_FIELD_CHARS + 1)).getMessage());
        String half = "y".repeat(Csv.MAX_FIELD_CHARS / 2 + 1);
        assertEquals("t.csv:1: a record longer than " + Csv.MAX_RECORD_CHARS + " characters",
                failure(String.join(",", half, half, half, half)).getMessage());
        assertEquals("t.csv:1: more than " + Csv.MAX_FIELDS + " fields in a record",
                failure(",".repeat(Csv.MAX_FIELDS)).getMessage());
    }

    @Test
    void aFieldAtTheBoundIsReadAndWrittenWhole() throws IOException {
        String most = "z".repeat(Csv.MAX_FIELD_CHARS);
        assertEquals(List.of(List.of(most)), readAll(Csv.line(most)));
        assertEquals(List.of(List.of(most)), readAll(Csv.line(most + "cut")), "a longer value is cut when written");
        String pairAtTheBound = "z".repeat(Csv.MAX_FIELD_CHARS - 1) + "\ud83d\ude00";
        assertEquals(Csv.MAX_FIELD_CHARS - 1, Csv.field(pairAtTheBound).length(), "never half a surrogate pair");
    }

    /**
     * A 64 MiB field (a sparse file: a quote, then a hole of NUL bytes) is refused once past the bound: the reader has
     * read about the bound and no more, so its memory does not grow with the field.
     */
    @Test
    void aHugeFieldIsRefusedAfterReadingNoMoreThanTheBound() throws IOException {
        for (String opening : List.of("h\n\"", "h\n")) {
            Path file = dir.resolve("huge.csv");
            Files.writeString(file, opening);
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(64L << 20);
            }
            long[] read = {0};
            InputStream counting = new FilterInputStream(Files.newInputStream(file)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    read[0] += Math.max(n, 0);
                    return n;
                }
            };
            try (Csv.Reader r = Csv.Reader.utf8(counting, file.toString())) {
                assertEquals(List.of("h"), r.next());
                IOException e = assertThrows(IOException.class, r::next);
                assertEquals(file + ":2: a field longer than " + Csv.MAX_FIELD_CHARS + " characters", e.getMessage());
            }
            assertTrue(read[0] < Csv.MAX_FIELD_CHARS + (1 << 20), opening + ": bytes read " + read[0]);
        }
    }

    /** Not listed: a line of ten million commas (no field is long) stops at the field bound, not at the heap's. */
    @Test
    void aLineOfTenMillionCommasIsRefusedAtTheFieldCountBound() {
        char[] commas = new char[10_000_000];
        Arrays.fill(commas, ',');
        assertEquals("t.csv:2: more than " + Csv.MAX_FIELDS + " fields in a record",
                failure("a\n" + new String(commas) + "\n").getMessage());
    }

    @Test
    void theReaderReadsTheUtf8ItWrites() throws IOException {
        Path file = Files.writeString(dir.resolve("w.csv"), Csv.line(AWKWARD), StandardCharsets.UTF_8);
        try (Csv.Reader r = Csv.Reader.utf8(Files.newInputStream(file), file.toString())) {
            assertEquals(AWKWARD, r.next());
        }
    }
}
