package io.portwatch.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.Glob;
import io.portwatch.history.HistoryFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the fuzzers of the report's readers found ({@link ReportBuilderFuzzTest}, {@link CriteriaFuzzTest}), each
 * with the exact behaviour now expected. The inputs are also seeds of those fuzz tests, named in each test.
 */
class FuzzFindingsTest {

    /**
     * Not a time window: a linear match of a 4096-character path takes microseconds; the backtracking one grew with
     * the path's length to the power of the stars.
     */
    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** Seed {@code CriteriaFuzzTestInputs/addFile/not-utf8}: was an IOException "Input length = 1", naming nothing. */
    @Test
    void aCriteriaLineThatIsNotUtf8IsABadLineNamingFileAndLine() throws IOException {
        Path file = Files.write(dir.resolve("criteria.txt"), new byte[] {'p', 'o', 'r', 't', '=', '2', '2', '\n',
                'p', 'o', 'r', 't', '.', (byte) 0xC8, 'e', 'x', 'e', '=', '2', '2', '\n'});

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Criteria.builder().addFile(file));
        assertEquals(file + ":2: expecting UTF-8 text, save the file as UTF-8", e.getMessage());
    }

    /** Read byte by byte since the fix above: the line ends readLine knew, and a bound on a line's length. */
    @Test
    void criteriaFileLinesEndInLfCrlfOrCrAndAreBounded() throws IOException {
        Path file = Files.write(dir.resolve("criteria.txt"),
                "\uFEFFport=22\rprocess=nc\r\n\r\nuser=root".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("port 22", "process nc", "user root"), Criteria.builder().addFile(file).build().describe());

        Path huge = Files.writeString(dir.resolve("huge.txt"), "# fine\nprocess=" + "a".repeat(Criteria.Builder.MAX_LINE_BYTES));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Criteria.builder().addFile(huge));
        assertEquals(huge + ":2: longer than 65536 bytes", e.getMessage());
    }

    /**
     * Seed {@code ReportBuilderFuzzTestInputs/readAll/unterminated-quote-in-header}: was an UncheckedIOException out of
     * {@code report} (a stack trace, exit code 1).
     */
    @Test
    void aHeaderWithAnUnterminatedQuoteIsAFileThatCannotBeRead() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.csv"), "time,\"event\n", StandardCharsets.UTF_8);

        IOException e = assertThrows(IOException.class, () -> ReportBuilder.kind(file));
        assertEquals(file + ":1: a quoted field is not closed before the end of the file", e.getMessage());
        IOException again = assertThrows(IOException.class,
                () -> new ReportBuilder(Criteria.NONE, 10).readAll(List.of(file), Progress.NONE));
        assertEquals(e.getMessage(), again.getMessage());
    }

    /**
     * Seed {@code ReportBuilderFuzzTestInputs/readAll/time-not-digits}: a 24-character time with {@code T}, {@code .}
     * and {@code Z} in place was taken as written by portwatch, and its "hour" indexed the 24 hours
     * (ArrayIndexOutOfBoundsException).
     */
    @Test
    void onlyATimeReallyInTheWrittenFormIsTakenAsItIs() {
        assertEquals("2026-11-20T08:05:00.000Z", HistoryReader.normalizeTime("2026-11-20T08:05:00.000Z"));
        assertEquals("2024-02-29T23:59:59.999Z", HistoryReader.normalizeTime(" 2024-02-29T23:59:59.999Z "));
        assertEquals("2026-11-20T08:05:00.000Z", HistoryReader.normalizeTime("2026-11-20T08:05:00Z"));
        assertEquals("2026-11-20T07:05:00.000Z", HistoryReader.normalizeTime("2026-11-20T08:05:00+01:00"));
        for (String bad : List.of("2026-11-20TXX:05:00.000Z", "2026-11-20T25:05:00.000Z", "2026-11-20T\u0661\u0662:05:00.000Z",
                "2026-02-30T08:05:00.000Z", "2026-13-01T08:05:00.000Z", "2026-11-20T08:65:00.000Z", "2026-11-20T08:05:00.0a0Z",
                "2026/11/20T08:05:00.000Z")) {
            assertEquals("", HistoryReader.normalizeTime(bad), bad);
        }
    }

    @Test
    void rowsWithTimesNotInTheWrittenFormAreCountedAsUnreadable() throws IOException {
        Path file = Files.writeString(dir.resolve("portwatch-snapshot.csv"), String.join(",", HistoryFiles.SNAPSHOT_COLUMNS)
                + "\n2026-11-20T25:00:00.000Z,tcp,0.0.0.0,22,0.0.0.0,0,LISTEN,812,sshd,root,/usr/sbin/sshd\n"
                + "2026-11-20TXX:00:00.000Z,tcp,0.0.0.0,80,0.0.0.0,0,LISTEN,900,nginx,www-data,/usr/sbin/nginx\n"
                + "2026-11-20T08:00:00.000Z,tcp,0.0.0.0,443,0.0.0.0,0,LISTEN,900,nginx,www-data,/usr/sbin/nginx\n");
        ReportBuilder builder = new ReportBuilder(Criteria.NONE, 10);
        builder.readAll(List.of(file), Progress.NONE);
        Report r = builder.build(0, null);

        assertEquals(3, r.connections());
        assertEquals(1, r.byHour().get(8));
        assertEquals(1, r.byHour().stream().mapToLong(Long::longValue).sum());
        assertTrue(r.notes().contains("2 rows have a time that is not ISO-8601; they are left out of the hours and the time range"),
                r.notes().toString());
    }

    /**
     * Seeds {@code CriteriaFuzzTestInputs/addFile/remote-unicode-digits} and {@code remote-leading-dot}: both went to
     * {@code InetAddress.getByName}, which looked them up in DNS, once per criterion and once per row of a report.
     * The fuzzing JVMs resolve through a hosts file that does not exist, so a lookup shows as an UnknownHostException
     * cause there; here the JVM may resolve for real, so the test asserts that no UnknownHostException is a cause.
     */
    @Test
    void anAddressThatIsNoLiteralIsNeverLookedUp() {
        for (String notLiteral : List.of("\u0661.\u0662.\u0663.\u0664", "1.2.3.\u0664", ".::1", "%:", "[.::1]", "\uff11::")) {
            assertFalse(Cidr.lookupFree(notLiteral), notLiteral);
            assertNull(Cidr.bytes(notLiteral), notLiteral);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(notLiteral));
            assertEquals("expecting an address or address/prefix (found \"" + notLiteral + "\")", e.getMessage());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(t instanceof UnknownHostException, notLiteral);
            }
        }
        assertArrayEquals(new byte[] {10, 0, 0, 1}, Cidr.bytes("10.0.0.1"));
        assertEquals(16, Cidr.bytes("[::1]").length);
        assertEquals(16, Cidr.bytes("fe80::1%1").length);
        assertEquals(8, Cidr.parse("2001:db8::/8").prefix());
        assertEquals(24, Cidr.parse("10.1.2.0/24").prefix());
    }

    /**
     * Seed {@code CriteriaFuzzTestInputs/addFile/path-globs-with-stars}: module and expect-path globs were regular
     * expressions, {@code .*} per star, whose matching time grows with the path's length to the power of the stars.
     */
    @Test
    void aPathGlobWithManyStarsMatchesALongPathAtOnce() {
        String path = "/" + "a".repeat(4096);
        PathGlob glob = new PathGlob("*a*a*a*a*a*a*a*a*a*a*a*a*b");
        assertTimeoutPreemptively(AT_ONCE, () -> assertFalse(glob.matches(path)));
        assertTimeoutPreemptively(AT_ONCE, () -> assertTrue(new PathGlob("*a*a*a*a*a*a*a*a*a*a*a*a").matches(path)));
    }

    /** The linear matcher means what the regular expression meant, code point by code point. */
    @Test
    void aPathGlobMatchesWhatItsRegularExpressionMatched() {
        List<String> globs = strings(List.of("a", "*", "?", "/", "\uD83D\uDE00"), 4);
        List<String> texts = strings(List.of("a", "b", "/", "\uD83D\uDE00", "\n"), 4);
        for (String g : globs) {
            Pattern regex = Pattern.compile(globToRegex(g), Pattern.DOTALL);
            for (String t : texts) {
                assertEquals(regex.matcher(t).matches(), Glob.matches(g, t, 0), () -> "glob \"" + g + "\" on \"" + t + "\"");
            }
        }
        assertTrue(new PathGlob("libpcap.so*").matches("/usr/lib/x86_64-linux-gnu/libpcap.so.1"));
        assertFalse(new PathGlob("/usr/lib/libpcap.so*").matches("/opt/usr/lib/libpcap.so.1"));
        assertFalse(new PathGlob("libpcap.so*").matches("/usr/lib/LIBPCAP.so.1"));
    }

    /** The regular expression globs used to be turned into: the reference the linear matcher is held to. */
    private static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); ) {
            int c = glob.codePointAt(i);
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(new String(Character.toChars(c))));
            i += Character.charCount(c);
        }
        return re.toString();
    }

    /** Every string of up to {@code max} of these parts. */
    private static List<String> strings(List<String> parts, int max) {
        List<String> out = new ArrayList<>(List.of(""));
        List<String> last = List.of("");
        for (int n = 1; n <= max; n++) {
            List<String> next = new ArrayList<>();
            for (String s : last) {
                for (String p : parts) {
                    next.add(s + p);
                }
            }
            out.addAll(next);
            last = next;
        }
        return out;
    }
}
