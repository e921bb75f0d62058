package io.portwatch.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.portwatch.fuzz.Fuzzing;
import io.portwatch.text.Csv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Fuzzes the readers of {@code report} (issue #11, item 8): {@link ReportBuilder#readAll} over history files
 * and Log-Connections CSVs, then {@link ReportBuilder#build} and {@link HtmlReport#render} of what was read.
 *
 * <p>The readers' contract for bad input: {@link ReportBuilder#kind(Path)} and {@code readAll} either succeed or
 * throw {@link IOException} whose message names the file (the {@code report} command prints it and exits 3); a
 * file that is read gives a report, whatever its rows hold (unreadable values are counted as such). Any other
 * exception, a hang or running out of the small heap CI gives the fuzzing JVM is a finding.
 *
 * <p>Input: byte 0 picks the criteria (bits 0-1: none; ports, processes, users and remotes; modules; all with
 * expected paths), whether remote names are resolved (bit 2) and how many flagged rows are listed (bits 3-4:
 * 0 to 3); the rest is one file or, split at the first line {@code --8<--}, two. Seeds:
 * {@code ReportBuilderFuzzTestInputs/readAll/}, one selector character and then files as {@code report} reads them.
 */
class ReportBuilderFuzzTest {

    private static final byte[] SPLIT = "\n--8<--\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;

    private static long inputs;

    @AfterAll
    static void fuzzedWhenAsked() {
        Fuzzing.assertRan(ReportBuilderFuzzTest.class, inputs);
    }

    @FuzzTest(maxDuration = "60s")
    void readAll(byte[] input) throws IOException {
        inputs++;
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xFF;
        Criteria criteria = criteria(selector & 3);
        ReportBuilder.Names names = (selector & 4) == 0 ? null : ReportBuilderFuzzTest::names;
        int maxFlagged = (selector >>> 3) & 3;

        List<Path> files = new ArrayList<>(2);
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        int split = indexOf(rest, SPLIT);
        files.add(Files.write(dir.resolve("first.csv"), split < 0 ? rest : Arrays.copyOfRange(rest, 0, split)));
        if (split >= 0) {
            files.add(Files.write(dir.resolve("second.csv"), Arrays.copyOfRange(rest, split + SPLIT.length, rest.length)));
        }

        for (Path f : files) {
            assertDialectReadsBackWhatItWrites(f);
            try {
                ReportBuilder.kind(f);
            } catch (IOException e) {
                assertNamesFile(e, f);
            }
        }
        ReportBuilder builder = new ReportBuilder(criteria, maxFlagged);
        try {
            builder.readAll(files, Progress.NONE);
        } catch (IOException e) {
            assertTrue(files.stream().anyMatch(f -> e.getMessage() != null && e.getMessage().contains(f.toString())),
                    () -> "a file that cannot be read is named in the message, found: " + e.getMessage());
            return;
        }
        Report report = builder.build(selector >>> 5, names);
        assertEquals(files.size(), report.files().size());
        assertTrue(report.connections() <= report.rows(), "connections are rows");
        assertTrue(report.byHour().stream().mapToLong(Long::longValue).sum() <= report.connections(),
                "hours count connections");
        assertTrue(report.flagged().size() <= Math.min(maxFlagged, report.flaggedTotal()), "flagged rows listed");
        assertTrue(report.firstTime().compareTo(report.lastTime()) <= 0, "first time before last time");
        String html = HtmlReport.render(report);
        assertTrue(html.endsWith("</html>\n"), "a whole page");
    }

    /**
     * The one CSV dialect ({@link Csv}) on any bytes, quotes included: it reads records or refuses the file naming
     * {@code file:line}; the records it read, written by it and read again, are the same records.
     */
    private static void assertDialectReadsBackWhatItWrites(Path file) throws IOException {
        List<List<String>> records = new ArrayList<>();
        try (Csv.Reader r = Csv.Reader.utf8(Files.newInputStream(file), file.toString())) {
            for (List<String> record = r.next(); record != null; record = r.next()) {
                records.add(record);
            }
        } catch (IOException e) {
            assertTrue(e.getMessage().matches(Pattern.quote(file.toString()) + ":[1-9][0-9]*: [^\\n]+"), e.getMessage());
            return;
        }
        StringBuilder written = new StringBuilder();
        records.forEach(record -> written.append(Csv.line(record)));
        List<List<String>> again = new ArrayList<>();
        try (Csv.Reader r = new Csv.Reader(new StringReader(written.toString()), "written")) {
            for (List<String> record = r.next(); record != null; record = r.next()) {
                again.add(record);
            }
        }
        assertEquals(records, again, written::toString);
    }

    private static void assertNamesFile(IOException e, Path file) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(file.toString()),
                () -> "a file that cannot be read is named in the message, found: " + e.getMessage());
    }

    /** Criteria of every kind, so that every check runs on what was read. */
    private static Criteria criteria(int which) {
        Criteria.Builder b = Criteria.builder();
        if (which == 1 || which == 3) {
            b.add("port", "22,6000-6010").add("process", "nc,*sh").add("user", "root,?ob").add("remote", "10.0.0.0/8,2001:db8::/32");
        }
        if (which >= 2) {
            b.add("module", "libpcap.so*").add("module", "/tmp/*");
        }
        if (which == 3) {
            b.add("expect-path", "sshd=/usr/sbin/sshd").add("expect-path", "*=/usr/*");
        }
        return b.build();
    }

    /** A made-up reverse DNS answer with characters the HTML page has to escape. */
    private static Map<String, String> names(java.util.Collection<String> addresses) {
        Map<String, String> out = new HashMap<>();
        for (String a : addresses) {
            if (a.length() % 2 == 0) {
                out.put(a, "<b>" + a + "&amp;\"'</b>");
            }
        }
        return out;
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
