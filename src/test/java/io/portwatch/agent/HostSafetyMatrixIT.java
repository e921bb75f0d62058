package io.portwatch.agent;

import io.portwatch.testing.Poll;
import io.portwatch.http.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue #11's matrix: every hostile or careless input of a local user, tried against the built jar as
 * a {@code -javaagent} inside a child host JVM with {@code -Xmx256m -XX:+ExitOnOutOfMemoryError}. For
 * each case: the host's main runs to its end and exits 0, both endpoints answer a fresh request within
 * 2 s during and after the attack, the rows are still published, secrets are not readable, and the
 * host's working and temporary directories stay empty. Loopback only; every loop bounded.
 */
class HostSafetyMatrixIT {

    private static final Duration FRESH = Duration.ofSeconds(2);
    /** The heap the host keeps in use, of its 256 MB: a busy application's live data (issue #20). */
    private static final int BALLAST_MB = 140;
    /** How long the heartbeat (every 100 ms) may take to go on by three beats: a host stopped or dead misses it. */
    private static final Duration BEATS_GO_ON = Duration.ofSeconds(5);
    /** The longest pause between two heartbeats a live host may show on a loaded machine (GC spirals show longer). */
    private static final long LONGEST_PAUSE_MILLIS = 5_000;
    /** How long an attacking client's exchange may take to end: answered, refused or cut. */
    private static final int EXCHANGE_ENDS_MILLIS = 60_000;
    /** Rule 2's bound of the whole exposition at the maximum definitions (docs/design.md §5: at most 16 MB). */
    private static final long MAX_EXPOSITION_BYTES = 16_000_000;
    /** Reading the whole /metrics page at the maximum definitions (up to 16 MB) on loopback, on a loaded machine. */
    private static final Duration WHOLE_MAX_EXPOSITION = Duration.ofSeconds(20);
    /** A bulk answer refused or cut is far smaller than the 7.2 MB of 100 {@code list} answers. */
    private static final long BULK_ANSWER_CEILING = 4L * 1024 * 1024;
    private static final String SECRET = "s3cret-" + ProcessHandle.current().pid() + "-matrix";
    /** "s3cret" hashed with bcrypt ($2y$, libxcrypt), as in AuthAndTlsTest. */
    private static final String HASH = "$2y$10$abcdefghijklmnopqrstuu3KWNuWLhBnmgYfnzONPueahDuedC/lu";

    @TempDir
    Path dir;
    private ServerSocket listener;
    private final List<Host> hosts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void stop() throws IOException {
        for (Host h : hosts) {
            h.child.close();
        }
        for (Process p : processes) {
            p.destroyForcibly(); // by its PID, started by this test
        }
        listener.close();
    }

    // ---------------------------------------------------------------- the host

    /** Writes a host's definitions folder before it starts. */
    @FunctionalInterface
    private interface DefinitionsWriter {
        void write(Path definitions) throws IOException;
    }

    /**
     * A child host JVM with portwatch as agent, in an empty working directory with an empty temp directory: 256 MB
     * of heap of which it keeps {@value #BALLAST_MB} MB in use, exits on an OutOfMemoryError, and beats every
     * 100 ms into a file of the test's.
     */
    private final class Host {
        final ChildJvm child;
        final Path definitions;
        final Path cwd;
        final Path tmp;
        final Path stdout;
        final Path stderr;
        final Path beats;
        final Path gcLog;
        final int prometheus;
        final int jolokia;
        final String scheme;
        final String authorization;
        final HttpClient client;
        /** How long the whole /metrics page may take to read: {@link #FRESH} but at the maximum definitions. */
        final Duration wholeScrape;

        Host(String extraAgentArgs, boolean tls, SSLContext trust) throws Exception {
            this(extraAgentArgs, tls, trust, HostSafetyMatrixIT.this::writeGoodDefinitions, FRESH);
        }

        Host(String extraAgentArgs, boolean tls, SSLContext trust, DefinitionsWriter writer, Duration wholeScrape)
                throws Exception {
            String name = "host-" + hosts.size();
            definitions = Files.createDirectories(dir.resolve(name + "-defs"));
            cwd = Files.createDirectories(dir.resolve(name + "-cwd"));
            tmp = Files.createDirectories(dir.resolve(name + "-tmp"));
            stdout = dir.resolve(name + "-stdout.txt");
            stderr = dir.resolve(name + "-stderr.txt");
            beats = dir.resolve(name + "-beats.txt");
            gcLog = dir.resolve(name + "-gc.log");
            this.wholeScrape = wholeScrape;
            writer.write(definitions);
            prometheus = ChildJvm.freePort();
            jolokia = ChildJvm.freePort();
            // one scan a second unless the case sets its own interval
            String interval = extraAgentArgs.contains("interval=") ? "" : ",interval=1";
            String agentArgs = "definitions=" + definitions + interval + ",prometheus.port=" + prometheus
                    + ",jolokia.port=" + jolokia + extraAgentArgs;
            child = ChildJvm.start(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog,
                    "-Djava.io.tmpdir=" + tmp, "-Dapp.db.password=" + SECRET,
                    "-javaagent:" + ChildJvm.jar() + "=" + agentArgs),
                    List.of(String.valueOf(BALLAST_MB), beats.toString()), stdout, stderr, cwd);
            hosts.add(this);
            scheme = tls ? "https" : "http";
            authorization = tls ? "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8))
                    : null;
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(FRESH).version(HttpClient.Version.HTTP_1_1);
            client = (trust == null ? builder : builder.sslContext(trust)).build();
            awaitRows();
        }

        URI metrics(String suffix) {
            return URI.create(scheme + "://localhost:" + prometheus + suffix);
        }

        URI jolokia(String suffix) {
            return URI.create(scheme + "://localhost:" + jolokia + "/jolokia" + suffix);
        }

        HttpResponse<String> get(URI uri, Duration timeout) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** The whole answer, body included, within {@code within}; an AssertionError naming the URI if not. */
        HttpResponse<String> whole(URI uri, Duration within) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(within);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            var answer = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
            try {
                return answer.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                throw new AssertionError(uri + " not answered whole within " + within.toMillis() + " ms");
            } catch (ExecutionException e) {
                throw new AssertionError(uri + " not answered: " + e.getCause(), e.getCause());
            }
        }

        HttpResponse<String> post(URI uri, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /**
         * The host is alive and beating, both endpoints answer a fresh request within 2 s (Jolokia whole, /metrics
         * its status line), and the rows are published (the whole page within {@link #wholeScrape}).
         */
        void assertAnswers(String when) throws Exception {
            assertTrue(child.alive(), when + ": the host died\n" + log());
            assertBeats(when);
            HttpResponse<String> j = whole(jolokia("/read/portwatch:type=Agent/ScanCount"), FRESH);
            assertEquals(200, j.statusCode(), when + ": jolokia " + j.body());
            assertTrue(j.body().contains("\"status\":200"), when + ": jolokia " + j.body());
            if (authorization == null) {
                String status = statusLine(prometheus, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", FRESH);
                assertTrue(status.startsWith("HTTP/1.1 200"), when + ": /metrics answered " + status);
            }
            HttpResponse<String> m = whole(metrics("/metrics"), wholeScrape);
            assertEquals(200, m.statusCode(), when + ": /metrics " + head(m.body()));
            assertTrue(rowsPublished(m.body()), when + ": rows no longer published\n" + head(m.body()));
        }

        /**
         * The test's rows are published: in the exposition, or, when the exposition leaves rows out to stay within
         * its budget (docs/metrics.md: worst rows first, the rest counted in portwatch_rows_omitted), as MBeans read
         * over Jolokia, and counted.
         */
        boolean rowsPublished(String exposition) throws Exception {
            if (exposition.contains("id=\"matrix-red\"") && exposition.contains("id=\"matrix-listen\"")) {
                return true;
            }
            boolean counted = exposition.lines().anyMatch(l -> l.startsWith("portwatch_rows_omitted{")
                    && !l.endsWith(" 0") && !l.endsWith(" 0.0"));
            return counted && exposition.contains("id=\"matrix-red\"")
                    && whole(jolokia("/read/portwatch:type=ListeningPort,name=matrix-listen/Health"), FRESH).body()
                            .contains("\"status\":200");
        }

        long scanCount() throws Exception {
            Matcher m = Pattern.compile("\"value\":(\\d+)").matcher(get(jolokia("/read/portwatch:type=Agent/ScanCount"),
                    FRESH).body());
            assertTrue(m.find());
            return Long.parseLong(m.group(1));
        }

        /** The host's {@code ConfigErrors}, read over Jolokia. */
        String configErrors() throws Exception {
            return whole(jolokia("/read/portwatch:type=Agent/ConfigErrors"), FRESH).body();
        }

        /** Waits until the host has scanned {@code n} more times. */
        void awaitScans(int n) throws Exception {
            long target = scanCount() + n;
            Poll.until(Duration.ofSeconds(30), () -> "no " + n + " scans\n" + log(), () -> scanCount() >= target);
        }

        double metric(String line) throws Exception {
            for (String l : get(metrics("/metrics"), FRESH).body().split("\n")) {
                if (l.startsWith(line + " ")) {
                    return Double.parseDouble(l.substring(line.length() + 1).trim());
                }
            }
            return Double.NaN;
        }

        private void awaitRows() throws Exception {
            Poll.until(Duration.ofSeconds(60), () -> "portwatch never scanned\n" + log(), () -> {
                assertTrue(child.alive(), "the host died while starting\n" + log());
                try {
                    return scanCount() >= 1;
                } catch (IOException | AssertionError e) {
                    return false; // not listening yet
                }
            });
            Poll.until(Duration.ofSeconds(60), () -> "portwatch never published the rows\n" + log(), () -> {
                assertTrue(child.alive(), "the host died while starting\n" + log());
                try {
                    return rowsPublished(whole(metrics("/metrics"), wholeScrape).body());
                } catch (IOException | AssertionError e) {
                    return false; // not listening yet, or not in time: tried again until the deadline
                }
            });
        }

        /** What the host wrote to its standard output and error so far (decoded leniently), for checks and failures. */
        String log() {
            return lenient(stdout) + "\n" + lenient(stderr);
        }

        String stderrText() {
            return lenient(stderr);
        }

        // ------------------------------------------------------------ heartbeat and heap

        /** The heartbeat lines so far. */
        List<Beat> beats() {
            List<Beat> out = new ArrayList<>();
            for (String line : lenient(beats).split("\n")) {
                Matcher m = BEAT.matcher(line);
                if (m.matches()) {
                    out.add(new Beat(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                            Long.parseLong(m.group(4))));
                }
            }
            return out;
        }

        long lastBeat() {
            List<Beat> all = beats();
            return all.isEmpty() ? -1 : all.get(all.size() - 1).n();
        }

        /** The heartbeat goes on (three more beats come) and never paused longer than {@link #LONGEST_PAUSE_MILLIS}. */
        void assertBeats(String when) throws Exception {
            long n = lastBeat();
            Poll.until(BEATS_GO_ON, () -> when + ": the host's heartbeat stopped at " + n + "\n" + log(),
                    () -> lastBeat() >= n + 3);
            List<Beat> all = beats();
            for (int i = 1; i < all.size(); i++) {
                long pause = all.get(i).millis() - all.get(i - 1).millis();
                assertTrue(pause <= LONGEST_PAUSE_MILLIS, when + ": the host stood still for " + pause
                        + " ms before beat " + all.get(i).n());
            }
        }

        /** The heap figures of the beats after beat {@code since}, and of the GC log. */
        HeapFigures heapSince(long since) {
            long maxUsed = 0;
            long poolPeaks = 0;
            for (Beat b : beats()) {
                if (b.n() > since) {
                    maxUsed = Math.max(maxUsed, b.used());
                    poolPeaks = Math.max(poolPeaks, b.peak());
                }
            }
            long beforeGc = 0;
            Matcher m = GC_LINE.matcher(lenient(gcLog));
            while (m.find()) {
                beforeGc = Math.max(beforeGc, Long.parseLong(m.group(1)));
            }
            return new HeapFigures(maxUsed, poolPeaks, beforeGc * 1024 * 1024);
        }

        /** The host's main returns, the JVM exits 0 by itself, no OutOfMemoryError, nothing written, no secret logged. */
        void assertEndsCleanly() throws Exception {
            assertBeats("at the end");
            int exit = child.finish();
            String log = log();
            assertEquals(0, exit, log);
            assertFalse(log.contains("OutOfMemoryError"), log);
            assertFalse(log.contains(SECRET), "the host's log shows -Dapp.db.password");
            for (Path p : List.of(cwd, tmp)) {
                try (var entries = Files.list(p)) {
                    assertEquals(List.of(), entries.toList(), "portwatch wrote into " + p);
                }
            }
            for (String line : log.split("\n")) {
                assertTrue(line.length() < 20_000, "a log line of " + line.length() + " characters");
            }
        }
    }

    /** One heartbeat line of the host: its number, time, heap in use and the sum of the heap pools' peaks. */
    private record Beat(long n, long millis, long used, long peak) {
    }

    /** The heap of the host: the most in use at a beat, the pools' peaks summed, the most before a GC (GC log). */
    private record HeapFigures(long maxUsedAtBeat, long poolPeaks, long maxBeforeGc) {
        @Override
        public String toString() {
            return "heap in use at most " + mb(maxUsedAtBeat) + " (heartbeat, every 100 ms), before a GC at most "
                    + mb(maxBeforeGc) + " (-Xlog:gc), heap pools' peaks summed " + mb(poolPeaks) + " (of 256 MiB; "
                    + BALLAST_MB + " MiB ballast)";
        }
    }

    private static final Pattern BEAT = Pattern.compile("BEAT (\\d+) (\\d+) used=(\\d+) peak=(\\d+) .*");
    /** A G1 pause line of -Xlog:gc: {@code 180M->150M(256M)}; group 1 is the heap in use before it. */
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->\\d+M\\(\\d+M\\)");

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    private static String lenient(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    private static String head(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    private void writeGoodDefinitions(Path defs) throws IOException {
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"), goodListening());
        Files.writeString(defs.resolve("monitoredTcpConnects.csv"), goodConnections());
    }

    private static String goodConnections() {
        return "id,remoteIP,remoteName,remotePort,procName,comment\nmatrix-conn,127.0.0.1,,1,,nothing there\n";
    }

    private String goodListening() {
        int port = listener.getLocalPort();
        return "id,ipProtocol,localIP,localPort,procName,comment\n"
                + "matrix-listen,tcp,127.0.0.1," + port + ",java,the test's own listener\n"
                + "matrix-other,tcp,127.0.0.1," + port + ",nomatch,owned by another process\n"
                + "matrix-red,tcp,127.0.0.1,1,,nothing listens here\n";
    }

    private Host plainHost() throws Exception {
        return new Host("", false, null);
    }

    // ---------------------------------------------------------------- the cases

    @Test
    void aFiftyMegabyteBodyIsRefusedAndTheHostKeepsItsHeap() throws Exception {
        Host host = plainHost();
        for (boolean chunked : List.of(false, true)) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", host.jolokia), 2000);
                Thread writer = new Thread(() -> writeHugeBody(s, chunked), "matrix-huge-body");
                writer.setDaemon(true);
                writer.start();
                host.assertAnswers("during a 50 MB body" + (chunked ? " (chunked)" : ""));
                s.setSoTimeout(10_000);
                String answer = readSome(s.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
                writer.join(20_000);
            }
            host.assertAnswers("after a 50 MB body");
        }
        host.assertEndsCleanly();
    }

    private static void writeHugeBody(Socket s, boolean chunked) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(("POST /jolokia/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 52428800\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, (byte) 'x');
            byte[] start = "{\"type\":\"version\",\"x\":\"".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(start, 0, block, 0, start.length);
            for (int i = 0; i < 800; i++) { // 50 MiB
                if (chunked) {
                    out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.write(block);
                if (chunked) {
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                block[0] = 'x';
            }
            out.flush();
        } catch (IOException e) {
            // refused while still writing: that is what should happen
        }
    }

    private static String readSome(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        int n = in.read(buffer);
        return n <= 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Test
    void connectionsThatSendOneByteAndHoldDoNotBlindEitherEndpoint() throws Exception {
        Host host = plainHost();
        for (int count : List.of(2, 400)) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int port : List.of(host.prometheus, host.jolokia)) {
                    for (int i = 0; i < count; i++) {
                        Socket s = new Socket();
                        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                        s.getOutputStream().write('G');
                        held.add(s);
                    }
                }
                // the client's own timeout is the bound: a scrape that waits for the held connections fails
                HttpResponse<String> scrape = host.get(host.metrics("/metrics"), FRESH);
                assertEquals(200, scrape.statusCode(), "a fresh scrape beside " + count + " held connections");
                host.assertAnswers("while " + count + " connections per endpoint hold after one byte");
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            host.assertAnswers("after " + count + " held connections");
        }
        host.assertEndsCleanly();
    }

    @Test
    void bulkScanNowIsCappedAndScansCoalesce() throws Exception {
        Host host = plainHost();
        HttpResponse<String> huge = host.post(host.jolokia("/"), scanNows(2000));
        assertEquals(400, huge.statusCode(), huge.body());
        long before = host.scanCount();
        HttpResponse<String> hundred = host.post(host.jolokia("/"), scanNows(100));
        long since = System.nanoTime();
        assertEquals(200, hundred.statusCode());
        long answered = host.scanCount();
        // While the bulk ran, scans ran back to back at most (how many depends on the machine's speed, not on the
        // calls). Once it is answered nothing is queued: the running cycle, the one pending and one scheduled cycle
        // overdue may follow at once, then the 1 s rhythm is back. Six more scans therefore take two intervals at
        // least; a queue of the calls would run them in a few milliseconds each.
        assertTrue(answered - before < 50, (answered - before) + " scans while 100 scanNow calls ran: each call scanned");
        Poll.until(Duration.ofSeconds(30), () -> "the scans stopped after 100 scanNow calls", () -> host.scanCount() >= answered + 6);
        Duration took = Duration.ofNanos(System.nanoTime() - since);
        assertTrue(took.compareTo(Duration.ofMillis(1500)) >= 0, "six scans " + took.toMillis()
                + " ms after 100 scanNow calls were answered: the calls were queued, not coalesced");
        host.assertAnswers("after 100 scanNow");
        host.assertEndsCleanly();
    }

    private static String scanNows(int n) {
        StringJoiner body = new StringJoiner(",", "[", "]");
        for (int i = 0; i < n; i++) {
            body.add("{\"type\":\"exec\",\"mbean\":\"portwatch:type=Agent\",\"operation\":\"scanNow\"}");
        }
        return body.toString();
    }

    @Test
    void browserTricksAndOtherPathsAreRefusedAndSecretsAreNotReadable() throws Exception {
        Host host = plainHost();
        assertEquals(403, host.get(host.jolokia("/version?%63allback=x"), FRESH).statusCode());
        assertEquals(403, host.get(host.metrics("/metrics?%63allback=x"), FRESH).statusCode());
        assertEquals(404, host.get(host.metrics("/metricsX"), FRESH).statusCode());
        assertEquals(404, host.get(host.metrics("/metrics/foo"), FRESH).statusCode());
        for (String read : List.of("/read/java.lang:type=Runtime", "/read/java.lang:type=Runtime/SystemProperties",
                "/read/java.lang:type=Runtime/InputArguments", "/read/java.lang:type=Runtime/ClassPath",
                "/read/java.lang:type=*", "/list/java.lang")) {
            String body = host.get(host.jolokia(read), FRESH).body();
            assertFalse(body.contains(SECRET), read + " shows -Dapp.db.password");
            assertFalse(body.contains("portwatch.jar"), read + " shows the command line");
        }
        assertFalse(host.get(host.metrics("/metrics"), FRESH).body().contains(SECRET));
        host.assertAnswers("after the refused requests");
        host.assertEndsCleanly();
    }

    @Test
    void reasonLabelsCarryNoPidAndNoCount() throws Exception {
        Host host = plainHost();
        String metrics = host.get(host.metrics("/metrics"), FRESH).body();
        List<String> reasons = metrics.lines().filter(l -> l.startsWith("portwatch_row_reason_info{")).toList();
        assertFalse(reasons.isEmpty(), metrics);
        for (String line : reasons) {
            String reason = line.replaceAll(".*reason=\"([^\"]*)\".*", "$1");
            assertFalse(reason.matches(".*\\d.*"), "a reason label with a number: " + line);
        }
        host.assertEndsCleanly();
    }

    @Test
    void hostileDefinitionsFilesNeverDropRowsNorBlockTheScan() throws Exception {
        Host host = plainHost();
        Path file = host.definitions.resolve("monitoredListeningPorts.csv");
        String good = goodListening();

        // 500,000 bad rows, written elsewhere and moved in whole
        Path big = dir.resolve("big.csv");
        try (var out = Files.newBufferedWriter(big)) {
            out.write("id,ipProtocol,localIP,localPort,procName,comment\n");
            for (int i = 0; i < 500_000; i++) {
                out.write("r" + i + ",tcp,,80a,x,y\n");
            }
        }
        Files.move(big, file, StandardCopyOption.REPLACE_EXISTING);
        awaitConfigErrors(host, "500,000 bad rows");

        restore(host, file, good);
        Files.delete(file);
        Files.createSymbolicLink(file, Path.of("/dev/zero"));
        awaitConfigErrors(host, "a symlink to /dev/zero");

        restore(host, file, good);
        Files.delete(file);
        Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        awaitConfigErrors(host, "a FIFO");

        restore(host, file, good);
        Files.delete(file);
        awaitConfigErrors(host, "the file deleted");

        restore(host, file, good);
        Files.write(file, new byte[0]);
        awaitConfigErrors(host, "the file truncated to 0 bytes");

        restore(host, file, good);
        host.assertEndsCleanly();
    }

    private void restore(Host host, Path file, String good) throws Exception {
        Files.deleteIfExists(file);
        Files.writeString(file, good);
        await(host, "the good file back", h -> metricOf(h, "portwatch_config_errors") == 0);
    }

    private void awaitConfigErrors(Host host, String what) throws Exception {
        await(host, what, h -> metricOf(h, "portwatch_config_errors") > 0);
        host.assertAnswers("with " + what);
        String metrics = host.get(host.metrics("/metrics"), FRESH).body();
        assertTrue(metrics.contains("portwatch_listening_port_health{") && metrics.contains("id=\"matrix-red\""),
                what + ": the RED row was dropped");
        assertEquals(0.0, metricOf(host, "portwatch_results_stale"), what + ": results stale");
    }

    private static double metricOf(Host host, String name) {
        try {
            return host.metric(name);
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private static void await(Host host, String what, Predicate<Host> condition) throws Exception {
        Poll.until(Duration.ofSeconds(20), () -> what + " (host " + (host.child.alive() ? "alive" : "dead")
                + ", last heartbeat " + host.lastBeat() + ", " + host.heapSince(-1) + ")\n" + host.stderrText(),
                () -> condition.test(host));
    }

    @Test
    void stalledTlsHandshakesDoNotBlindAuthenticatedTlsEndpointsAndPasswordsDoNotLeak() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Path cert = certs.cert();
        Path key = certs.key();
        String tls = ",jolokia.user=ops,jolokia.password=s3cret,jolokia.https=true,jolokia.tlsCert=" + cert
                + ",jolokia.tlsKey=" + key + ",prometheus.user=ops,prometheus.password=" + HASH
                + ",prometheus.https=true,prometheus.tlsCert=" + cert + ",prometheus.tlsKey=" + key;
        Host host = new Host(tls, true, certs.trusting());
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int port : List.of(host.prometheus, host.jolokia)) {
                for (int i = 0; i < 2; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    s.getOutputStream().write(new byte[]{0x16, 0x03, 0x01});
                    stalled.add(s);
                }
            }
            host.assertAnswers("while two TLS handshakes per endpoint stall");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
        for (String read : List.of("/read/java.lang:type=Runtime", "/read/java.lang:type=Runtime/InputArguments",
                "/read/java.lang:type=Runtime/SystemProperties")) {
            String body = host.get(host.jolokia(read), FRESH).body();
            assertFalse(body.contains("s3cret"), read + " shows a password: " + body);
        }
        HttpResponse<String> anonymous = HttpClient.newBuilder().sslContext(certs.trusting()).build()
                .send(HttpRequest.newBuilder(host.metrics("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        host.assertEndsCleanly();
    }

    @Test
    void aNonLoopbackBindWithoutAuthenticationIsRefusedAndTheRestRuns() throws Exception {
        Host host;
        try {
            host = new Host(",prometheus.host=0.0.0.0", false, null);
            fail("the metrics endpoint listened on 0.0.0.0 without authentication");
        } catch (AssertionError expected) {
            host = hosts.get(hosts.size() - 1);
        }
        String err = Files.readString(host.stderr);
        assertTrue(err.contains("portwatch: no Prometheus endpoint: prometheus.host=0.0.0.0 is not a loopback address:"
                + " Prometheus endpoint needs prometheus.user and prometheus.password to listen on it"), err);
        HttpResponse<String> j = host.get(host.jolokia("/read/portwatch:type=Agent/ScanCount"), FRESH);
        assertEquals(200, j.statusCode());
        host.assertEndsCleanly();
    }

    // ================================================================ issue #20: one rule per class

    // ---------------------------------------------------------------- raw HTTP exchanges of the attackers

    /** What an attacking client got: the status line, the bytes of the whole answer, its start, how it ended. */
    private record Exchange(String status, long bytes, String head, String ending, String tail) {
        Exchange(String status, long bytes, String head, String ending) {
            this(status, bytes, head, ending, "");
        }

        boolean serverError() {
            return status.startsWith("HTTP/1.1 5");
        }

        /**
         * A clean refusal: a 503 that says when to come back, or Jolokia error entries naming the budget or saying
         * that another request over many MBeans is being built (one at a time).
         */
        boolean refusedCleanly() {
            return status.startsWith("HTTP/1.1 503") && head.contains("Retry-After")
                    || !serverError() && (head.contains("ResponseTooLarge") || tail.contains("ResponseTooLarge")
                            || head.contains("\"error_type\":\"Busy\"") || tail.contains("\"error_type\":\"Busy\""));
        }
    }

    /** Sends {@code request} (HTTP/1.1, {@code Connection: close}) to a loopback port and reads the answer to its end. */
    private static Exchange exchange(int port, String request) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(EXCHANGE_ENDS_MILLIS);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readToEnd(s.getInputStream(), new byte[0]);
        } catch (IOException e) {
            return new Exchange("", 0, "", e.toString());
        }
    }

    private static Exchange readToEnd(InputStream in, byte[] already) {
        byte[] head = new byte[4096];
        int headLength = Math.min(already.length, head.length);
        System.arraycopy(already, 0, head, 0, headLength);
        long bytes = already.length;
        byte[] buffer = new byte[64 * 1024];
        byte[] tail = new byte[0];
        String ending = "end of stream";
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                int copy = Math.min(n, head.length - headLength);
                System.arraycopy(buffer, 0, head, headLength, copy);
                headLength += copy;
                bytes += n;
                tail = lastBytes(tail, buffer, n, 4096);
            }
        } catch (IOException e) {
            ending = e.toString();
        }
        String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf("\r\n");
        return new Exchange(eol < 0 ? text : text.substring(0, eol), bytes, text, ending,
                new String(tail, StandardCharsets.ISO_8859_1));
    }

    /** The last {@code max} bytes of {@code before} followed by {@code n} bytes of {@code read}. */
    private static byte[] lastBytes(byte[] before, byte[] read, int n, int max) {
        byte[] joined = new byte[Math.min(max, before.length + n)];
        int fromRead = Math.min(n, joined.length);
        int fromBefore = joined.length - fromRead;
        System.arraycopy(before, before.length - fromBefore, joined, 0, fromBefore);
        System.arraycopy(read, n - fromRead, joined, fromBefore, fromRead);
        return joined;
    }

    private static String post(String path, String body, String... headers) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + String.join("", List.of(headers).stream().map(h -> h + "\r\n").toList())
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static String getRequest(String path, String... headers) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + String.join("", List.of(headers).stream().map(h -> h + "\r\n").toList()) + "\r\n";
    }

    /** The status line of an answer to {@code request}, which must come within {@code within}. */
    private static String statusLine(int port, String request, Duration within) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), (int) within.toMillis());
            s.setSoTimeout((int) within.toMillis());
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            byte[] line = new byte[12];
            int n = 0;
            try {
                for (int r; n < line.length && (r = s.getInputStream().read(line, n, line.length - n)) > 0; ) {
                    n += r;
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(request.lines().findFirst().orElse("") + ": no answer within "
                        + within.toMillis() + " ms");
            }
            return new String(line, 0, n, StandardCharsets.ISO_8859_1);
        }
    }

    /** What the attacking clients got, and how the checks made meanwhile ended (null: they held). */
    private record Attack<T>(List<T> answers, Throwable meanwhile) {
        /** Fails as the checks made during the attack failed, if they did. */
        void rethrow() throws Exception {
            if (meanwhile instanceof Exception e) {
                throw e;
            } else if (meanwhile instanceof Error e) {
                throw e;
            }
        }
    }

    /**
     * Runs {@code clients} at once on threads of their own and {@code meanwhile} on this one; returns what each client
     * gave after all have ended (each exchange ends within {@link #EXCHANGE_ENDS_MILLIS}), also when {@code meanwhile}
     * failed, so that the figures of a failed attack can be reported.
     */
    private static <T> Attack<T> atOnce(List<Callable<T>> clients, ThrowingRunnable meanwhile) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> c : clients) {
                futures.add(pool.submit(c));
            }
            Throwable failed = null;
            try {
                meanwhile.run();
            } catch (Exception | AssertionError e) {
                failed = e;
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(5L * EXCHANGE_ENDS_MILLIS, TimeUnit.MILLISECONDS));
            }
            return new Attack<>(out, failed);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Prints a measured figure for the closing note; {@code host} says whether it lived and what it logged. */
    private static void figure(Host host, String text) {
        String state = host == null ? "no host" : host.child.alive() ? "host alive" : "HOST DIED: " + host.log().strip().lines()
                .filter(l -> !l.startsWith("READY")).findFirst().orElse("");
        System.out.println("MATRIX-FIGURE " + text + "; " + state);
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static String bulk(String request, int count) {
        StringJoiner body = new StringJoiner(",", "[", "]");
        for (int i = 0; i < count; i++) {
            body.add(request);
        }
        return body.toString();
    }

    /** 1.8 KB: a bulk of 100 {@code list} requests, whose answer today is about 7.2 MB. */
    private static final String HUNDRED_LISTS = bulk("{\"type\": \"list\"}", 100);

    // ---------------------------------------------------------------- rule 1: every answer has a byte budget

    @Test
    void everyAnswerHasAByteBudgetSixteenClientsBulkingAHundredListsAreRefusedAndTheHostLives() throws Exception {
        Host host = plainHost();
        long before = host.lastBeat();
        List<Callable<List<Exchange>>> clients = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            clients.add(() -> {
                List<Exchange> mine = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    mine.add(exchange(host.jolokia, post("/jolokia/", HUNDRED_LISTS)));
                }
                return mine;
            });
        }
        Attack<List<Exchange>> attack = atOnce(clients, () -> {
            for (int i = 0; i < 3; i++) {
                host.assertAnswers("while 16 clients bulk 100 list requests each");
            }
        });
        List<List<Exchange>> answers = attack.answers();
        figure(host, "rule 1, 16 clients x 3 bulks of 100 list (" + HUNDRED_LISTS.length() + " bytes each): answers of "
                + answers.stream().flatMap(List::stream).mapToLong(Exchange::bytes).max().orElse(0) + " bytes at most, "
                + answers.stream().flatMap(List::stream).map(e -> e.status() + " " + e.ending()).distinct().toList() + "; "
                + host.heapSince(before));
        attack.rethrow();
        host.assertAnswers("after 16 clients bulked 100 list requests each");
        for (Exchange e : answers.stream().flatMap(List::stream).toList()) {
            assertTrue(e.bytes() < BULK_ANSWER_CEILING, "a bulk of 100 list requests was answered in whole: "
                    + e.bytes() + " bytes (" + e.status() + ")");
            assertTrue(e.refusedCleanly(), "a bulk of 100 list requests is cut at the answer budget with an"
                    + " error entry naming it, or refused with 503 and Retry-After: " + head(e.head()));
        }
        host.assertEndsCleanly();
    }

    /** One reader of an answer that reads one byte per second, through a small receive window. */
    private static final class SlowReader {
        final Socket socket;
        final java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        volatile String ending;

        SlowReader(int port, String request) throws IOException {
            socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.setSoTimeout(1);
        }

        /** Reads one byte if one is there. */
        synchronized void tick() {
            if (ending != null) {
                return;
            }
            try {
                int b = socket.getInputStream().read();
                if (b < 0) {
                    ending = "end of stream";
                } else {
                    read.write(b);
                }
            } catch (SocketTimeoutException e) {
                // nothing there this second
            } catch (IOException e) {
                ending = e.toString();
            }
        }

        /** Reads the rest as fast as it comes. */
        synchronized Exchange drain() throws IOException {
            byte[] already = read.toByteArray();
            if (ending != null) {
                Exchange e = readToEnd(InputStream.nullInputStream(), already);
                return new Exchange(e.status(), e.bytes(), e.head(), ending, e.tail());
            }
            socket.setSoTimeout(EXCHANGE_ENDS_MILLIS);
            try (socket) {
                return readToEnd(socket.getInputStream(), already);
            }
        }
    }

    /** Whether the built jar knows a setting (a later fix may add it): its name is a string constant of SettingKey. */
    private static boolean jarKnowsSetting(String key) throws IOException {
        try (var jar = new java.util.jar.JarFile(ChildJvm.jar().toFile())) {
            var entry = jar.getEntry("io/portwatch/config/SettingKey.class");
            try (InputStream in = jar.getInputStream(entry)) {
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(key);
            }
        }
    }

    @Test
    void everyAnswerHasAByteBudgetEightOneBytePerSecondReadersHoldNoThreadAndAreCut() throws Exception {
        // http.writeTimeout is the write deadline of the fix (issue #20 rule 1); a jar without it has none to set
        boolean writeDeadline = jarKnowsSetting("http.writeTimeout");
        Host host = new Host(writeDeadline ? ",http.writeTimeout=3" : "", false, null);
        long before = host.lastBeat();
        List<SlowReader> slow = new ArrayList<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        Throwable failed = null;
        try {
            for (int i = 0; i < 8; i++) {
                slow.add(new SlowReader(host.jolokia, post("/jolokia/", HUNDRED_LISTS)));
            }
            ticker.scheduleAtFixedRate(() -> slow.forEach(SlowReader::tick), 0, 1, TimeUnit.SECONDS);
            for (int i = 0; i < 5; i++) {
                host.assertAnswers("while 8 clients read a large answer at 1 byte/s");
            }
            // for the time of a write deadline (3 s) and more, the slow readers go on; a good client is still answered
            host.awaitScans(6);
            host.assertAnswers("after 6 s of 8 readers at 1 byte/s");
        } catch (Exception | AssertionError e) {
            failed = e;
        } finally {
            ticker.shutdownNow();
        }
        List<Exchange> ends = new ArrayList<>();
        for (SlowReader r : slow) {
            ends.add(r.drain());
        }
        figure(host, "rule 1, 8 readers at 1 byte/s of a bulk of 100 list (write deadline "
                + (writeDeadline ? "3 s" : "none in this jar") + "): "
                + ends.stream().map(e -> e.bytes() + " bytes " + e.status() + " " + e.ending()).toList()
                + "; " + host.heapSince(before));
        new Attack<>(ends, failed).rethrow();
        for (Exchange e : ends) {
            // a bounded answer may fit the kernel's socket buffers whole, and then nothing is left to cut: what
            // matters is that no thread waited on the reader (the good client above) and the answer was bounded
            boolean bounded = e.bytes() < BULK_ANSWER_CEILING && e.refusedCleanly();
            boolean cut = !e.ending().equals("end of stream") || !complete(e);
            assertTrue(bounded || cut, "a reader at 1 byte/s got an answer neither bounded nor cut: " + e.bytes()
                    + " bytes, " + e.status() + ", " + e.ending());
        }
        host.assertAnswers("after the slow readers");
        host.assertEndsCleanly();
    }

    /** Whether an answer read to its end holds the whole body its Content-Length announced. */
    private static boolean complete(Exchange e) {
        Matcher length = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(e.head());
        int headerEnd = e.head().indexOf("\r\n\r\n");
        if (!length.find() || headerEnd < 0) {
            return true; // chunked to its end (Connection: close): nothing says it was cut
        }
        return e.bytes() - (headerEnd + 4) >= Long.parseLong(length.group(1));
    }

    /** A Prometheus with {@code scrape_protocols} asking for protobuf first (native histograms). */
    private static final String PROTOBUF_FIRST = "Accept: application/vnd.google.protobuf;"
            + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.9,"
            + "application/openmetrics-text;version=1.0.0;q=0.8,text/plain;version=0.0.4;q=0.2,*/*;q=0.1";
    private static final String OPENMETRICS = "Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5";
    private static final String TEXT = "Accept: text/plain;version=0.0.4";
    private static final String GZIP = "Accept-Encoding: gzip";
    private static final List<String> SCRAPERS = List.of(TEXT, OPENMETRICS, PROTOBUF_FIRST, GZIP);

    @Test
    void everyAnswerHasAByteBudgetSixteenGzipAndProtobufFirstScrapersAreServedAndNeverGet500() throws Exception {
        Host host = plainHost();
        List<Callable<List<Exchange>>> clients = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String accept = SCRAPERS.get(i % SCRAPERS.size());
            clients.add(() -> {
                List<Exchange> mine = new ArrayList<>();
                for (int round = 0; round < 20; round++) {
                    mine.add(exchange(host.prometheus, getRequest("/metrics", accept, GZIP)));
                }
                return mine;
            });
        }
        Attack<List<Exchange>> attack = atOnce(clients, () -> host.assertAnswers("while 16 clients scrape with gzip"));
        List<List<Exchange>> answers = attack.answers();
        figure(host, "rule 1, 16 clients x 20 scrapes with gzip (text, OpenMetrics, protobuf-first, gzip only): "
                + answers.stream().flatMap(List::stream).map(Exchange::status).distinct().toList());
        attack.rethrow();
        for (int i = 0; i < answers.size(); i++) {
            for (Exchange e : answers.get(i)) {
                assertTrue(e.status().startsWith("HTTP/1.1 200"), SCRAPERS.get(i % SCRAPERS.size()) + ": " + head(e.head()));
                assertFalse(e.head().toLowerCase(Locale.ROOT).contains("content-type: application/vnd.google.protobuf"),
                        "protobuf served where the text was promised: " + head(e.head()));
            }
        }
        host.assertAnswers("after 16 gzip scrapers");
        host.assertEndsCleanly();
    }

    // ---------------------------------------------------------------- rule 2: outputs built from rows, bounded as a whole

    /** The longest procName and comment the issue names (NetstatWatcher's limits: 512 and 1024) and a long id. */
    private static final int ID_LENGTH = 250;
    private static final int PROC_NAME_LENGTH = 500;
    private static final int COMMENT_LENGTH = 1000;
    /** Each file stays under 16 MiB (config.DefinitionsLoader.MAX_FILE_BYTES), with room for its line ends. */
    private static final long FILE_BUDGET = 16L * 1024 * 1024 - 64 * 1024;

    /** Both definitions files at the maximum output: as many rows of maximum fields as fit in a file. */
    private void writeMaximumDefinitions(Path defs) throws IOException {
        writeMaximum(defs.resolve("monitoredListeningPorts.csv"), goodListening(),
                i -> "tcp,127.0.0.1," + (2 + i % 60_000));
        writeMaximum(defs.resolve("monitoredTcpConnects.csv"), goodConnections(),
                i -> "127.0.0.2,," + (2 + i % 60_000));
    }

    private static void writeMaximum(Path file, String start, java.util.function.IntFunction<String> middle)
            throws IOException {
        String proc = "p".repeat(PROC_NAME_LENGTH);
        String comment = "a comment of maximum length ".repeat(40).substring(0, COMMENT_LENGTH);
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(start);
            long bytes = start.length();
            for (int i = 0; i < config().maxRows() - 4; i++) {
                String id = ("max-" + i + "-").concat("x".repeat(ID_LENGTH)).substring(0, ID_LENGTH);
                String line = id + "," + middle.apply(i) + "," + proc + "," + comment + "\n";
                if (bytes + line.length() > FILE_BUDGET) {
                    break;
                }
                out.write(line);
                bytes += line.length();
            }
        }
    }

    /** config.DefinitionsLoader's limits, read from the classes under test. */
    private record Limits(int maxRows) {
    }

    private static Limits config() {
        return new Limits(io.portwatch.config.DefinitionsLoader.MAX_ROWS);
    }

    private static long rows(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.count() - 1;
        }
    }

    @Test
    void outputsBuiltFromRowsAreBoundedAsAWholeAtTheMaximumDefinitionsSixteenScrapersAndBulkReadersAtOnce()
            throws Exception {
        Host host;
        try {
            // a scan every 5 s (a third of the default 15 s): each scan evaluates all 18,882 rows anew
            host = new Host(",interval=5", false, null, this::writeMaximumDefinitions, WHOLE_MAX_EXPOSITION);
        } finally {
            Host started = hosts.isEmpty() ? null : hosts.get(hosts.size() - 1);
            Path defs = started == null ? dir.resolve("host-0-defs") : started.definitions;
            figure(started, "rule 2, maximum definitions: " + rows(defs.resolve("monitoredListeningPorts.csv"))
                    + " listening and " + rows(defs.resolve("monitoredTcpConnects.csv")) + " connection rows (id "
                    + ID_LENGTH + ", procName " + PROC_NAME_LENGTH + ", comment " + COMMENT_LENGTH + " characters), files of "
                    + Files.size(defs.resolve("monitoredListeningPorts.csv")) + " and "
                    + Files.size(defs.resolve("monitoredTcpConnects.csv")) + " bytes; at start "
                    + (started == null ? "(no host)" : started.heapSince(-1)));
        }
        long listening = rows(host.definitions.resolve("monitoredListeningPorts.csv"));
        // the exposition's size, each format read alone
        Exchange text = exchange(host.prometheus, getRequest("/metrics", TEXT));
        Exchange openMetrics = exchange(host.prometheus, getRequest("/metrics", OPENMETRICS));
        figure(host, "rule 2, /metrics at the maximum definitions: text " + text.bytes()
                + " bytes (" + text.status() + "), OpenMetrics " + openMetrics.bytes() + " bytes (" + openMetrics.status()
                + "); " + host.heapSince(-1));
        assertTrue(text.status().startsWith("HTTP/1.1 200"), text.head());
        assertTrue(openMetrics.status().startsWith("HTTP/1.1 200"), openMetrics.head());

        long before = host.lastBeat();
        String readRows = bulk("{\"type\":\"read\",\"mbean\":\"portwatch:type=ListeningPort,*\"}", 1).replace("]",
                ",{\"type\":\"read\",\"mbean\":\"portwatch:type=TcpConnection,*\"},{\"type\":\"read\",\"mbean\":"
                        + "\"portwatch:type=Agent\"},{\"type\":\"list\",\"path\":\"portwatch\"}]");
        List<Callable<List<Exchange>>> clients = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String accept = SCRAPERS.get(i % SCRAPERS.size());
            clients.add(() -> {
                List<Exchange> mine = new ArrayList<>();
                for (int round = 0; round < 2; round++) {
                    mine.add(exchange(host.prometheus, getRequest("/metrics", accept)));
                    mine.add(exchange(host.jolokia, post("/jolokia/", readRows)));
                }
                return mine;
            });
        }
        Attack<List<Exchange>> attack = atOnce(clients, () -> {
            for (int i = 0; i < 3; i++) {
                host.assertAnswers("while 16 clients scrape and bulk-read the maximum definitions");
            }
        });
        List<List<Exchange>> answers = attack.answers();
        HeapFigures heap = host.heapSince(before);
        long largest = answers.stream().flatMap(List::stream).mapToLong(Exchange::bytes).max().orElse(0);
        figure(host, "rule 2, 16 clients scraping (text, OpenMetrics, protobuf-first, gzip) and bulk-reading Jolokia"
                + " at the maximum definitions: largest answer " + largest + " bytes, "
                + answers.stream().flatMap(List::stream).map(Exchange::status).distinct().toList() + "; " + heap);
        attack.rethrow();
        host.assertAnswers("after 16 clients scraped and bulk-read the maximum definitions");
        for (Exchange e : answers.stream().flatMap(List::stream).toList()) {
            assertFalse(e.serverError() && !e.refusedCleanly(), "a server error at the maximum definitions that is not"
                    + " a clean refusal (503 with Retry-After): " + head(e.head()));
            assertTrue(e.status().startsWith("HTTP/1.1 "), "no answer: " + e.ending());
        }
        assertTrue(text.bytes() <= MAX_EXPOSITION_BYTES, "/metrics at the maximum definitions is " + text.bytes()
                + " bytes, more than " + MAX_EXPOSITION_BYTES);
        assertTrue(openMetrics.bytes() <= MAX_EXPOSITION_BYTES, "OpenMetrics at the maximum definitions is "
                + openMetrics.bytes() + " bytes, more than " + MAX_EXPOSITION_BYTES);
        String defined = host.whole(host.jolokia("/read/portwatch:type=Agent/ListeningDefinitions"), FRESH).body();
        assertTrue(defined.contains("\"value\":" + listening), "rows not kept: " + defined);
        host.assertEndsCleanly();
    }

    /** A definitions file of just under 16 MiB with one quote opened at line {@code line} and never closed. */
    private String unterminatedQuote(int line) {
        StringBuilder text = new StringBuilder(goodListening());
        int n = 5;
        while (n < line) {
            text.append("filler-").append(n).append(",tcp,127.0.0.1,").append(2 + n % 60_000).append(",p,c\n");
            n++;
        }
        text.append("open-quote,tcp,127.0.0.1,81,\"never closed,");
        String filler = "x,tcp,127.0.0.1,81,p,c\n";
        while (text.length() + filler.length() < FILE_BUDGET) {
            text.append(filler);
        }
        return text.toString();
    }

    /** A file of just under 16 MiB whose comment at line 5 is one quoted field of {@code ""} pairs, closed. */
    private String hugeQuotedField() {
        StringBuilder text = new StringBuilder(goodListening());
        text.append("huge-quote,tcp,127.0.0.1,81,p,\"");
        while (text.length() < FILE_BUDGET) {
            text.append("\"\"ab");
        }
        return text.append("\"\n").toString();
    }

    @Test
    void outputsBuiltFromRowsAreBoundedAsAWholeAnUnterminatedQuoteIsAProblemNamingItsLineThreeTimesOver()
            throws Exception {
        Host host = plainHost();
        Path file = host.definitions.resolve("monitoredListeningPorts.csv");
        int[] lines = {5, 1_003, 15_007}; // below MAX_ROWS: the row limit would speak first
        for (int run = 0; run < lines.length; run++) {
            int line = lines[run];
            replaceWith(file, unterminatedQuote(line));
            String what = "run " + (run + 1) + ": a 16 MiB file with a quote opened at line " + line;
            awaitConfigErrors(host, what);
            String errors = host.configErrors();
            assertTrue(errors.contains("monitoredListeningPorts.csv:" + line), what + ": the problem does not name"
                    + " the line: " + head(errors));
            assertTrue(errors.length() < 64 * 1024, what + ": ConfigErrors of " + errors.length() + " characters");
            restore(host, file, goodListening());
        }
        host.assertEndsCleanly();
    }

    @Test
    void outputsBuiltFromRowsAreBoundedAsAWholeAQuotedFieldOfSixteenMegabytesIsALineProblem() throws Exception {
        Host host = plainHost();
        Path file = host.definitions.resolve("monitoredListeningPorts.csv");
        for (int run = 0; run < 3; run++) {
            replaceWith(file, hugeQuotedField());
            String what = "run " + (run + 1) + ": a closed quoted field of 16 MiB of \"\" pairs";
            awaitConfigErrors(host, what);
            String errors = host.configErrors();
            assertTrue(errors.contains("monitoredListeningPorts.csv:5"), what + ": " + head(errors));
            assertTrue(errors.length() < 64 * 1024, what + ": ConfigErrors of " + errors.length() + " characters");
            restore(host, file, goodListening());
        }
        host.assertEndsCleanly();
    }

    /** Writes {@code text} elsewhere and moves it in whole, as an editor does. */
    private void replaceWith(Path file, String text) throws IOException {
        Path next = dir.resolve("next.csv");
        Files.writeString(next, text, StandardCharsets.UTF_8);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
    }

    // ---------------------------------------------------------------- rule 3: only files trusted users could have put there

    @Test
    void onlyFilesTrustedUsersCouldHavePutThereAreReadLinksToProcSelfCmdlineShadowAndKmsgPublishNothing()
            throws Exception {
        Host host = plainHost();
        Path file = host.definitions.resolve("monitoredListeningPorts.csv");
        String shadowStart = Files.readAllLines(Path.of("/etc/shadow")).get(0);
        shadowStart = shadowStart.substring(0, Math.min(shadowStart.length(), 12));
        for (String target : List.of("/proc/self/cmdline", "/etc/shadow")) {
            Files.delete(file);
            Files.createSymbolicLink(file, Path.of(target));
            awaitConfigErrors(host, "a link to " + target);
            String errors = host.configErrors();
            assertFalse(errors.contains(SECRET), "ConfigErrors publish the host's -Dapp.db.password through a link to "
                    + target);
            assertFalse(errors.contains("-javaagent") || errors.contains("Xmx256m"),
                    "ConfigErrors quote the host's command line: " + head(errors));
            assertFalse(errors.contains(shadowStart), "ConfigErrors quote /etc/shadow: " + head(errors));
            assertFalse(host.log().contains(SECRET), "the host's log shows -Dapp.db.password after a link to " + target);
            assertFalse(host.log().contains(shadowStart), "the host's log quotes /etc/shadow");
            restore(host, file, goodListening());
        }
        // a regular file of procfs whose read blocks: it must not hold the reader, the next edit is read
        Files.delete(file);
        Files.createSymbolicLink(file, Path.of("/proc/kmsg"));
        host.awaitScans(4);
        host.assertAnswers("with a link to /proc/kmsg");
        Files.delete(file);
        Files.writeString(file, goodListening() + "matrix-after-kmsg,tcp,127.0.0.1,2,,read after the link\n");
        Poll.until(Duration.ofSeconds(30), () -> "the edit after a link to /proc/kmsg was never read\n" + host.log(),
                () -> host.whole(host.metrics("/metrics"), FRESH).body().contains("id=\"matrix-after-kmsg\""));
        assertFalse(host.log().contains(SECRET));
        host.assertEndsCleanly();
    }

    @Test
    void onlyFilesTrustedUsersCouldHavePutThereAreWrittenHistoryLinksAreNeverFollowed() throws Exception {
        Path history = Files.createDirectories(dir.resolve("history"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path victim = elsewhere.resolve("victim");
        byte[] victimBytes = "a line of the victim\na last line without its end".getBytes(StandardCharsets.US_ASCII);
        Files.write(victim, victimBytes);
        Files.createSymbolicLink(history.resolve("portwatch-events.csv"), victim);
        List<Path> targets = new ArrayList<>();
        for (String name : List.of("portwatch-snapshot.csv", "portwatch-processes.csv", "portwatch-history.lock")) {
            Path target = elsewhere.resolve("made-through-" + name);
            Files.createSymbolicLink(history.resolve(name), target);
            targets.add(target);
        }
        Host host = new Host(",history.dir=" + history + ",history.rotate=size", false, null);
        host.awaitScans(3);
        try (ServerSocket another = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(another.getLocalPort() > 0);
            host.awaitScans(3); // a socket event to write
        }
        host.awaitScans(2);
        host.assertAnswers("with links in history.dir");
        assertEquals(new String(victimBytes, StandardCharsets.US_ASCII), Files.readString(victim),
                "the history writer changed the file a link in history.dir points to");
        for (Path target : targets) {
            assertFalse(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS),
                    "the history writer created " + target + " through a dangling link");
        }
        try (var entries = Files.list(elsewhere)) {
            assertEquals(List.of(victim), entries.toList(), "files made through links");
        }
        host.assertEndsCleanly();
    }

    @Test
    void onlyFilesTrustedUsersCouldHavePutThereAreWrittenAWorldWritableHistoryDirGetsNothing() throws Exception {
        Path history = Files.createDirectories(dir.resolve("history-0777"));
        Files.setPosixFilePermissions(history, PosixFilePermissions.fromString("rwxrwxrwx"));
        Host host = new Host(",history.dir=" + history, false, null);
        try (ServerSocket another = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(another.getLocalPort() > 0);
            host.awaitScans(3);
        }
        host.awaitScans(2);
        host.assertAnswers("with a world-writable history.dir");
        try (var entries = Files.list(history)) {
            assertEquals(List.of(), entries.toList(), "portwatch wrote into a world-writable history.dir");
        }
        assertTrue(host.log().contains("history.dir"), "nothing says why the history is not written\n" + host.log());
        host.assertEndsCleanly();
    }

    // ---------------------------------------------------------------- rule 4: untrusted text made printable where it enters

    /** Starts a python3 that names itself {@code comm} (bytes), carries {@code argument} and listens; its port. */
    private int hostileProcess(byte[] comm, String argument) throws Exception {
        String script = "import socket,sys\n"
                + "with open('/proc/self/comm','wb') as f: f.write(bytes.fromhex(sys.argv[1]))\n"
                + "s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(1)\n"
                + "print(s.getsockname()[1], flush=True)\n"
                + "sys.stdin.read()\n";
        StringBuilder hex = new StringBuilder();
        for (byte b : comm) {
            hex.append(String.format(Locale.ROOT, "%02x", b & 0xff));
        }
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, hex.toString(), argument)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(p);
        String port = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
        assertTrue(port != null && port.matches("\\d+"), "the hostile process did not start: " + port);
        return Integer.parseInt(port);
    }

    /** ESC, a colour, a newline and a forged line in a process's name; in its command line too. */
    private static final byte[] ESC_NEWLINE = "pw\u001b[31m\nevil".getBytes(StandardCharsets.US_ASCII);
    private static final String FORGED_ARGUMENT = "arg\u001b[2J\nPORTWATCH OK - forged\r\u0007";
    /** Invalid UTF-8, BEL and DEL: another class member (issue #20: such a process became ownerless). */
    private static final byte[] INVALID_UTF8 = {'p', 'w', (byte) 0xff, (byte) 0xc3, 0x07, 0x7f, 'z'};

    @Test
    void untrustedTextIsMadePrintableAProcessNamedWithEscAndNewlineKeepsEveryJolokiaAnswerValidJson() throws Exception {
        Host host = plainHost();
        int weird = hostileProcess(ESC_NEWLINE, FORGED_ARGUMENT);
        Files.writeString(host.definitions.resolve("monitoredListeningPorts.csv"), goodListening()
                + "matrix-weird,tcp,127.0.0.1," + weird + ",nomatch,owned by a process with ESC and a newline\n");
        awaitRow(host, "matrix-weird");
        for (String read : List.of("/read/portwatch:type=ListeningPort,*", "/read/portwatch:type=Process,*",
                "/read/portwatch:*", "/search/portwatch:*", "/list/portwatch")) {
            String body = host.whole(host.jolokia(read), FRESH).body();
            StrictJson.check(body, read);
        }
        String bulk = host.post(host.jolokia("/"), "[{\"type\":\"read\",\"mbean\":\"portwatch:type=ListeningPort,*\"},"
                + "{\"type\":\"read\",\"mbean\":\"portwatch:type=Process,*\"}]").body();
        StrictJson.check(bulk, "a bulk read");
        String metrics = host.whole(host.metrics("/metrics"), FRESH).body();
        assertPrintable(metrics, "/metrics");

        // check: one Nagios status line, whatever the name
        Path only = Files.createDirectories(dir.resolve("check-defs"));
        Files.writeString(only.resolve("monitoredListeningPorts.csv"), "id,ipProtocol,localIP,localPort,procName,comment\n"
                + "matrix-weird,tcp,127.0.0.1," + weird + ",nomatch,owned by a process with ESC and a newline\n");
        Files.writeString(only.resolve("monitoredTcpConnects.csv"), "id,remoteIP,remoteName,remotePort,procName,comment\n");
        Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                ChildJvm.jar().toString(), "check", "--definitions=" + only).redirectErrorStream(true).start();
        processes.add(check);
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS), "check did not end");
        List<String> lines = out.lines().toList();
        assertTrue(lines.size() >= 2 && lines.get(0).startsWith("PORTWATCH ") && lines.get(1).startsWith("KIND"),
                "check's status line is split or forged:\n" + out);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("PORTWATCH")).count(), "a forged status line:\n" + out);
        assertPrintable(out, "check's output");
        host.assertAnswers("with a process named with ESC and a newline");
        host.assertEndsCleanly();
    }

    @Test
    void untrustedTextIsMadePrintableAProcessNamedWithInvalidUtf8BelAndDelKeepsItsOwner() throws Exception {
        Host host = plainHost();
        int weird = hostileProcess(INVALID_UTF8, "arg\u007f\u0008\u009b2J");
        Files.writeString(host.definitions.resolve("monitoredListeningPorts.csv"), goodListening()
                + "matrix-invalid,tcp,127.0.0.1," + weird + ",pw*,owned by a process with invalid UTF-8\n");
        awaitRow(host, "matrix-invalid");
        for (String read : List.of("/read/portwatch:type=ListeningPort,*", "/read/portwatch:type=Process,*",
                "/list/portwatch")) {
            StrictJson.check(host.whole(host.jolokia(read), FRESH).body(), read);
        }
        String metrics = host.whole(host.metrics("/metrics"), FRESH).body();
        assertPrintable(metrics, "/metrics");
        String reason = metrics.lines().filter(l -> l.startsWith("portwatch_row_reason_info{") && l.contains(
                "id=\"matrix-invalid\"")).findFirst().orElse("");
        assertFalse(reason.isEmpty(), "no reason for the row\n" + head(metrics));
        assertFalse(reason.contains("visible") || reason.contains("permission"),
                "a process named with invalid UTF-8 became ownerless: " + reason);
        host.assertAnswers("with a process named with invalid UTF-8");
        host.assertEndsCleanly();
    }

    /** Waits until the host publishes a row and has scanned twice more (the row's owner seen). */
    private static void awaitRow(Host host, String id) throws Exception {
        Poll.until(Duration.ofSeconds(30), () -> id + " never published\n" + host.log(), () -> {
            try {
                return host.whole(host.metrics("/metrics"), FRESH).body().contains("id=\"" + id + "\"");
            } catch (IOException e) {
                return false;
            }
        });
        host.awaitScans(2);
    }

    /** No control character but the line ends (and tabs) in an output. */
    private static void assertPrintable(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
                fail(what + " holds the raw control character 0x" + Integer.toHexString(c) + " at " + i + ": "
                        + text.substring(Math.max(0, i - 80), Math.min(text.length(), i + 40)).replace("\u001b", "<ESC>"));
            }
        }
    }

    /** A strict JSON checker (RFC 8259): one value, no raw control characters in strings, valid escapes only. */
    private static final class StrictJson {
        private final String text;
        private int at;

        private StrictJson(String text) {
            this.text = text;
        }

        static void check(String text, String what) {
            StrictJson json = new StrictJson(text);
            try {
                json.space();
                json.value();
                json.space();
                if (json.at != text.length()) {
                    throw json.error("text after the value");
                }
            } catch (IllegalArgumentException e) {
                fail(what + ": not valid JSON: " + e.getMessage());
            }
        }

        private IllegalArgumentException error(String why) {
            return new IllegalArgumentException(why + " at " + at + ": "
                    + text.substring(Math.max(0, at - 60), Math.min(text.length(), at + 20)).replace("\u001b", "<ESC>"));
        }

        private char peek() {
            if (at >= text.length()) {
                throw error("end of text");
            }
            return text.charAt(at);
        }

        private void space() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expecting '" + c + "'");
            }
            at++;
        }

        private void value() {
            char c = peek();
            if (c == '{') {
                at++;
                space();
                if (peek() == '}') {
                    at++;
                    return;
                }
                while (true) {
                    space();
                    string();
                    space();
                    expect(':');
                    space();
                    value();
                    space();
                    if (peek() == ',') {
                        at++;
                    } else {
                        expect('}');
                        return;
                    }
                }
            } else if (c == '[') {
                at++;
                space();
                if (peek() == ']') {
                    at++;
                    return;
                }
                while (true) {
                    space();
                    value();
                    space();
                    if (peek() == ',') {
                        at++;
                    } else {
                        expect(']');
                        return;
                    }
                }
            } else if (c == '"') {
                string();
            } else if (text.startsWith("true", at) || text.startsWith("null", at)) {
                at += 4;
            } else if (text.startsWith("false", at)) {
                at += 5;
            } else {
                Matcher m = NUMBER.matcher(text).region(at, text.length());
                if (!m.lookingAt()) {
                    throw error("not a value");
                }
                at = m.end();
            }
        }

        private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

        private void string() {
            expect('"');
            while (true) {
                char c = peek();
                at++;
                if (c == '"') {
                    return;
                } else if (c < 0x20) {
                    throw error("raw control character 0x" + Integer.toHexString(c) + " in a string");
                } else if (c == '\\') {
                    char e = peek();
                    at++;
                    if (e == 'u') {
                        if (at + 4 > text.length() || !text.substring(at, at + 4).matches("[0-9a-fA-F]{4}")) {
                            throw error("a \\u escape without four hex digits");
                        }
                        at += 4;
                    } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                        throw error("the escape \\" + e);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- rule 5: decoding judged when stable

    @Test
    void decodingIsJudgedWhenStableDoubleEncodedCallbackGetsNoJsonpAndPreflightIsRefusedCleanly() throws Exception {
        Host host = plainHost();
        for (String query : List.of("?%2563allback=x", "?%252563allback=x", "?%25%36%33allback=x")) {
            HttpResponse<String> j = host.get(host.jolokia("/version" + query), FRESH);
            assertFalse(j.body().startsWith("x("), "JSONP through " + query + ": " + head(j.body()));
            assertTrue(j.statusCode() < 500, query + ": " + j.statusCode());
            HttpResponse<String> m = host.get(host.metrics("/metrics" + query), FRESH);
            assertFalse(m.body().startsWith("x("), "JSONP on /metrics through " + query);
            assertTrue(m.statusCode() < 500, query + ": " + m.statusCode());
        }
        for (int port : List.of(host.jolokia, host.prometheus)) {
            String path = port == host.jolokia ? "/jolokia/" : "/metrics";
            Exchange preflight = exchange(port, "OPTIONS " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Origin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\n"
                    + "Access-Control-Request-Headers: authorization,content-type\r\n\r\n");
            assertTrue(preflight.status().startsWith("HTTP/1.1 "), path + ": no answer to a preflight: " + preflight.ending());
            assertFalse(preflight.serverError(), path + ": a preflight got " + head(preflight.head()));
            assertFalse(preflight.head().toLowerCase(Locale.ROOT).contains("evil.example"),
                    path + ": the preflight's origin echoed: " + head(preflight.head()));
        }
        host.assertAnswers("after the double-encoded callbacks and preflights");
        host.assertEndsCleanly();
    }
}
