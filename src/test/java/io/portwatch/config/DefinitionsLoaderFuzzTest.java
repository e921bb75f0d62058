package io.portwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.portwatch.fuzz.Fuzzing;
import io.portwatch.text.Printable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Fuzzes the definitions parser (issue #11, item 8): {@link DefinitionsLoader#parseListening},
 * {@link DefinitionsLoader#parseConnections} and, over the bytes of a file, {@link DefinitionsLoader#load}.
 *
 * <p>The parser's contract for bad input (docs/design.md §2): it returns a {@link DefinitionsLoadResult}, whose problems
 * say what is wrong, each naming the file, at most {@value DefinitionsLoader#MAX_PROBLEMS} of them kept; it never
 * throws. The rows it returns name the file and a line. Any
 * exception, a hang or running out of the small heap CI gives the fuzzing JVM is a finding.
 *
 * <p>Input: byte 0 picks the file (bit 0: listening, connections) and the entry point (bit 1: a {@code Reader}
 * of the text decoded leniently, or the raw bytes as the file in a directory); the rest is the file. Seeds:
 * {@code DefinitionsLoaderFuzzTestInputs/parse/}, {@code 0} (listening) or {@code 1} (connections), {@code 2} or
 * {@code 3} for the same through a directory, then a definitions file.
 *
 * <p>Quotes are fuzzed on purpose (issue 20, rule 2): the dictionary gives the fuzzer quotes, doubled quotes,
 * quotes around and inside line breaks and commas, and the seeds hold unterminated quotes, {@code ""} runs, CR and
 * LF inside quotes and text after a closing quote. Besides never throwing, every problem and every field is
 * printable (rule 4), a problem quotes at most a short excerpt (no problem line is longer than
 * {@value #MAX_PROBLEM_CHARS} characters), and a first line that is no definitions header is quoted nowhere.
 */
class DefinitionsLoaderFuzzTest {

    @TempDir
    static Path dir;

    private static long inputs;

    /** No problem line is longer: each quotes at most one or two 40-character excerpts, whatever the input. */
    private static final int MAX_PROBLEM_CHARS = 600;

    @AfterAll
    static void fuzzedWhenAsked() {
        Fuzzing.assertRan(DefinitionsLoaderFuzzTest.class, inputs);
    }

    @FuzzTest(maxDuration = "60s")
    // libFuzzer's dictionary format is one entry a line: no entry holds a line break or another control character
    // (the seeds bring CR and LF inside quotes, ESC and NEL)
    @DictionaryEntries({"\"", "\"\"", "\"\"\"", "\"\"\"\"", ",\"", "\",", ",\"\",", "\"x\"y", " \" ", "#\"", "\uFEFF",
            "\u2028", "\u202e", "\\x1b", "ipProtocol,localIP,localPort,procName,comment",
            "remoteIP,remoteName,remotePort,procName,comment", "id,", "localPort", "comment", "procName",
            "tcp,,22,sshd,", "*"})
    void parse(byte[] input) throws IOException {
        inputs++;
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xFF;
        boolean listening = (selector & 1) == 0;
        boolean fromDirectory = (selector & 2) != 0;
        byte[] file = Arrays.copyOfRange(input, 1, input.length);
        String fileName = listening ? DefinitionsLoader.LISTENING_FILE : DefinitionsLoader.CONNECTIONS_FILE;

        DefinitionsLoadResult result;
        Set<String> names;
        if (fromDirectory) {
            Files.deleteIfExists(dir.resolve(DefinitionsLoader.LISTENING_FILE));
            Files.deleteIfExists(dir.resolve(DefinitionsLoader.CONNECTIONS_FILE));
            Files.write(dir.resolve(fileName), file);
            result = DefinitionsLoader.load(dir);
            names = Set.of(fileName, dir.toString());
        } else {
            StringReader reader = new StringReader(new String(file, StandardCharsets.UTF_8));
            result = listening ? DefinitionsLoader.parseListening(fileName, reader)
                    : DefinitionsLoader.parseConnections(fileName, reader);
            names = Set.of(fileName);
        }

        assertNotNull(result);
        assertTrue(result.problems().size() <= DefinitionsLoader.MAX_PROBLEMS, "at most 100 problems kept per file");
        assertTrue(result.problemCount() >= result.problems().size(), "every problem counted");
        assertEquals(result.problemCount() == 0, result.ok());
        for (DefinitionProblem p : result.problems()) {
            assertTrue(names.contains(p.source().file()), () -> "a problem names the file: " + p);
            assertTrue(Printable.isPrintable(p.toString()), () -> "a problem is printable: " + p);
            assertTrue(p.toString().length() <= MAX_PROBLEM_CHARS + dir.toString().length() * 3,
                    () -> "a problem quotes only a short excerpt: " + p.toString().length() + " characters");
            assertTrue(p.source().line() >= 0, () -> "a problem names a line: " + p);
            assertFalse(p.message().isEmpty(), () -> "a problem says what is wrong: " + p);
        }
        List<Source> sources = listening
                ? result.definitions().listening().stream().map(ListeningRow::source).toList()
                : result.definitions().connections().stream().map(ConnectionRow::source).toList();
        for (ListeningRow row : result.definitions().listening()) {
            assertTrue(Printable.isPrintable(row.comment()) && Printable.isPrintable(row.procName().text())
                    && Printable.isPrintable(row.id()), () -> "fields are printable: " + row);
        }
        for (ConnectionRow row : result.definitions().connections()) {
            assertTrue(Printable.isPrintable(row.comment()) && Printable.isPrintable(row.procName().text())
                    && Printable.isPrintable(row.remoteName()) && Printable.isPrintable(row.id()),
                    () -> "fields are printable: " + row);
        }
        for (Source s : sources) {
            assertEquals(fileName, s.file());
            assertTrue(s.line() >= 1, () -> "a row names its line: " + s);
        }
        assertTrue(listening ? result.definitions().connections().isEmpty() : result.definitions().listening().isEmpty(),
                "rows of the other file");
    }
}
