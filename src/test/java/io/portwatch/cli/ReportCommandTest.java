package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.report.CsvReport;
import io.portwatch.testing.Fifos;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code report} over hand-written fixtures ({@code src/test/resources/io/portwatch/cli/ReportCommandTest},
 * see its README): the exact statistics and flags, the CSV/JSON forms, and the HTML page in headless Chromium.
 */
class ReportCommandTest {

    private static final String FIXTURES = "/io/portwatch/cli/ReportCommandTest/";
    private static final List<String> INPUTS = List.of("portwatch-snapshot.csv", "portwatch-events.csv",
            "portwatch-processes.csv", "connections.csv");

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void copyFixtures() throws IOException {
        for (String name : List.of("portwatch-snapshot.csv", "portwatch-events.csv", "portwatch-processes.csv",
                "connections.csv", "criteria.txt", "expected-report.txt")) {
            try (InputStream in = getClass().getResourceAsStream(FIXTURES + name)) {
                Files.copy(in, dir.resolve(name));
            }
        }
    }

    private int report(ReportCommand command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    private int report(String... args) {
        return report(new ReportCommand(), args);
    }

    private String[] withInputs(String... options) {
        List<String> args = new ArrayList<>(Arrays.asList(options));
        INPUTS.forEach(f -> args.add(dir.resolve(f).toString()));
        return args.toArray(new String[0]);
    }

    private String[] fixtureCriteria(String... more) {
        List<String> args = new ArrayList<>(List.of("--flag-port=22", "--flag-user=nobody", "--criteria=" + dir.resolve("criteria.txt")));
        args.addAll(Arrays.asList(more));
        return withInputs(args.toArray(new String[0]));
    }

    @Test
    void reportOnTheFixtureGivesExactlyTheExpectedStatisticsAndFlags() throws IOException {
        assertEquals(0, report(fixtureCriteria()), err.toString());
        assertEquals(Files.readString(dir.resolve("expected-report.txt")), out.toString());
        assertEquals("", err.toString());
    }

    @Test
    void csvFormatCarriesTheSameNumbersAndParses() throws IOException {
        assertEquals(0, report(fixtureCriteria("--format=csv")), err.toString());
        List<CSVRecord> records;
        try (CSVParser p = CSVParser.builder().setReader(new StringReader(out.toString())).setFormat(CSVFormat.DEFAULT).get()) {
            records = p.getRecords();
        }
        assertEquals(CsvReport.COLUMNS, records.get(0).toList());
        Map<String, String> summary = records.stream().filter(r -> r.get(0).equals("summary"))
                .collect(Collectors.toMap(r -> r.get(1), r -> r.get(3).isEmpty() ? r.get(2) : r.get(3)));
        assertEquals(Map.of("files", "4", "rows", "23", "connections", "16", "flagged", "8",
                "firstTime", "2026-11-20T08:00:00.000Z", "lastTime", "2026-11-21T13:00:00.000Z"), summary);
        assertTrue(records.stream().anyMatch(r -> r.toList().subList(0, 6).equals(List.of("localPort", "22", "tcp", "2", "12.5%", "true"))));
        assertTrue(records.stream().anyMatch(r -> r.get(0).equals("process") && r.get(1).equals("java, the app")));
        List<CSVRecord> flagged = records.stream().filter(r -> r.get(0).equals("flagged")).collect(Collectors.toList());
        assertEquals(8, flagged.size());
        assertEquals(List.of("2026-11-21T02:30:00.000Z", "open", "udp", "10.0.0.5:41001", "8.8.8.8:53", "ESTABLISHED", "3100",
                "capture", "root", "/usr/local/bin/capture", "module /usr/lib/x86_64-linux-gnu/libpcap.so.1.10.3",
                "portwatch-events.csv:11"), flagged.get(5).toList().subList(6, 18));
        records.forEach(r -> assertEquals(CsvReport.COLUMNS.size(), r.size(), r.toString()));
    }

    @Test
    void jsonFormatCarriesTheSameNumbers() {
        assertEquals(0, report(fixtureCriteria("--format=json")), err.toString());
        String json = out.toString();
        assertTrue(json.startsWith("{\n  \"files\": ["), json);
        assertTrue(json.contains("\n  \"rows\": 23,\n  \"connections\": 16,\n"), json);
        assertTrue(json.contains("\"byCriterion\": {\n      \"port 22\": 2,\n      \"user nobody\": 2,\n"
                + "      \"module libpcap.so*\": 1,\n      \"remote 10.0.0.0/8\": 4,\n      \"sshd outside /usr/sbin/sshd\": 2\n"), json);
        assertTrue(json.contains("\"process\": \"<script>alert('x')</script>\""), json);
    }

    @Test
    void resolveShowsTheReverseDnsNameOfTheListedAddresses() {
        ReportCommand command = new ReportCommand();
        command.lookup = address -> address.getHostAddress().equals("203.0.113.9") ? "web.example.net" : address.getHostAddress();
        assertEquals(0, report(command, "--resolve", "--top=2", dir.resolve("portwatch-events.csv").toString()), err.toString());
        assertTrue(out.toString().contains("REMOTE ADDRESSES\nADDRESS      NAME             CONNECTIONS  PERCENT  FLAG\n"
                + "203.0.113.9  web.example.net  3            30.0%\n10.1.2.3     -                2            20.0%\n"), out.toString());
    }

    @Test
    void badCriteriaAreRefusedNamingTheOptionOrTheFileLine() throws IOException {
        assertEquals(2, report(withInputs("--flag-port=22,80a")));
        assertEquals("--flag-port: expecting 1-65535 (found \"80a\")\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(2, report(withInputs("--flag-remote=10.0.0.0/33")));
        assertEquals("--flag-remote: expecting an address or address/prefix (found \"10.0.0.0/33\")\n", err.toString());
        err.getBuffer().setLength(0);
        Path criteria = Files.writeString(dir.resolve("bad.txt"), "# ok\nport=22\nexpect-path=sshd\n");
        assertEquals(2, report(withInputs("--criteria=" + criteria)));
        assertEquals(criteria + ":3: expecting NAME=PATHGLOB (found \"sshd\")\n", err.toString());
        err.getBuffer().setLength(0);
        Files.writeString(criteria, "ports=22\n");
        assertEquals(2, report(withInputs("--criteria=" + criteria)));
        assertEquals(criteria + ":1: unknown criterion \"ports\"; expecting one of port, process, user, module, remote,"
                + " expect-path\n", err.toString());
    }

    @Test
    void aFileOfNoKnownKindIsRefusedBeforeAnythingIsRead() throws IOException {
        Path other = Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");
        assertEquals(3, report(dir.resolve("portwatch-events.csv").toString(), other.toString()));
        assertEquals("cannot report: " + other + ": not a portwatch history file or Log-Connections CSV (header: a,b)\n",
                err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void aFifoIsRefusedNamingItAndIsNeverOpened() throws Exception {
        Path fifo = Fifos.make(dir.resolve("portwatch-events-fifo.csv"));
        // opening a FIFO without a writer blocks in open(2): the command returning at all proves it was not opened
        int exit = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> report(fifo.toString()));
        assertEquals(3, exit);
        assertEquals("cannot report: " + fifo + ": expecting a regular file (found a FIFO)\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void progressBarAppearsOnlyAfterASecondAndIsClearedAtTheEnd() {
        long[] now = {0};
        StringWriter bar = new StringWriter();
        ProgressBar progress = new ProgressBar(new PrintWriter(bar, true), () -> now[0]);
        progress.at(Path.of("big.csv"), 10, 100);
        assertEquals("", bar.toString(), "nothing during the first second");
        now[0] = 1_500_000_000L;
        progress.at(Path.of("big.csv"), 50 * 1024 * 1024, 100 * 1024 * 1024);
        String line = "[###############...............]  50% 50.0 MB / 100.0 MB big.csv";
        assertEquals("\r" + line, bar.toString());
        now[0] += 10_000_000L;
        progress.at(Path.of("big.csv"), 60 * 1024 * 1024, 100 * 1024 * 1024);
        assertEquals("\r" + line, bar.toString(), "at most ten redraws a second");
        progress.finish();
        assertEquals("\r" + line + "\r" + " ".repeat(line.length()) + "\r", bar.toString());
    }

    @Test
    @Tag("chromium")
    void htmlReportOpensInHeadlessChromiumWithoutConsoleErrorsAndIsScreenshot() throws Exception {
        Path target = Files.createDirectories(Path.of("target", "report-html"));
        Path page = target.resolve("report.html").toAbsolutePath();
        Path screenshot = target.resolve("report.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        assertEquals(0, report(fixtureCriteria("--html=" + page)), err.toString());
        String html = Files.readString(page);
        assertFalse(html.contains("<script>alert"), "text from the logs is escaped");
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "nothing loaded from elsewhere");

        Path broken = Files.writeString(target.resolve("broken.html").toAbsolutePath(),
                "<!DOCTYPE html><html><body><script>notDefined();</script></body></html>");
        assertFalse(Chromium.run(broken, Files.createDirectories(target.resolve("work")), "--dump-dom").pageProblems().isEmpty(),
                "this chromium reports a page's errors on stderr the way the checks below expect");

        Chromium.Run shot = Chromium.run(page, Files.createDirectories(target.resolve("work")),
                "--screenshot=" + screenshot, "--window-size=1200,900", "--hide-scrollbars");
        assertEquals(List.of(), shot.pageProblems(), shot.stderr());
        byte[] png = Files.readAllBytes(screenshot);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), "a PNG screenshot in " + screenshot);
        assertTrue(png.length > 10_000, "the screenshot shows something: " + png.length + " bytes");

        Chromium.Run dom = Chromium.run(page, target.resolve("work"), "--dump-dom", "--virtual-time-budget=2000");
        assertEquals(List.of(), dom.pageProblems(), dom.stderr());
        assertTrue(dom.stdout().contains("data-report-ready=\"yes\""), "the page's script ran under its CSP: " + dom.stdout());
        assertTrue(dom.stdout().contains("&lt;script&gt;alert('x')&lt;/script&gt;"), "markup from the logs is shown as text");
        assertEquals(8, dom.stdout().split("<tr class=\"flagged\"><td>20", -1).length - 1, "8 flagged rows highlighted");
        Files.writeString(target.resolve("report.dom.html"), dom.stdout(), StandardCharsets.UTF_8);
    }
}
