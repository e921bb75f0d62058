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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
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
    private static final String SECRET = "s3cret-" + ProcessHandle.current().pid() + "-matrix";
    /** "s3cret" hashed with bcrypt ($2y$, libxcrypt), as in AuthAndTlsTest. */
    private static final String HASH = "$2y$10$abcdefghijklmnopqrstuu3KWNuWLhBnmgYfnzONPueahDuedC/lu";

    @TempDir
    Path dir;
    private ServerSocket listener;
    private final List<Host> hosts = new ArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    @AfterEach
    void stop() throws IOException {
        for (Host h : hosts) {
            h.child.close();
        }
        listener.close();
    }

    // ---------------------------------------------------------------- the host

    /** A child host JVM with portwatch as agent, in an empty working directory with an empty temp directory. */
    private final class Host {
        final ChildJvm child;
        final Path definitions;
        final Path cwd;
        final Path tmp;
        final Path stderr;
        final int prometheus;
        final int jolokia;
        final String scheme;
        final String authorization;
        final HttpClient client;

        Host(String extraAgentArgs, boolean tls, SSLContext trust) throws Exception {
            String name = "host-" + hosts.size();
            definitions = Files.createDirectories(dir.resolve(name + "-defs"));
            cwd = Files.createDirectories(dir.resolve(name + "-cwd"));
            tmp = Files.createDirectories(dir.resolve(name + "-tmp"));
            stderr = dir.resolve(name + "-stderr.txt");
            writeGoodDefinitions(definitions);
            prometheus = ChildJvm.freePort();
            jolokia = ChildJvm.freePort();
            String agentArgs = "definitions=" + definitions + ",interval=1,prometheus.port=" + prometheus
                    + ",jolokia.port=" + jolokia + extraAgentArgs;
            child = ChildJvm.start(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=" + tmp,
                    "-Dapp.db.password=" + SECRET, "-javaagent:" + ChildJvm.jar() + "=" + agentArgs), stderr, cwd);
            hosts.add(this);
            scheme = tls ? "https" : "http";
            authorization = tls ? "Basic " + Base64.getEncoder().encodeToString("ops:s3cret".getBytes(StandardCharsets.UTF_8))
                    : null;
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(FRESH);
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

        HttpResponse<String> post(URI uri, String body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Both endpoints answer a fresh request within 2 s, and the rows are published. */
        void assertAnswers(String when) throws Exception {
            assertTrue(child.alive(), when + ": the host died\n" + Files.readString(stderr));
            long t0 = System.nanoTime();
            HttpResponse<String> m = get(metrics("/metrics"), FRESH);
            HttpResponse<String> j = get(jolokia("/read/portwatch:type=Agent/ScanCount"), FRESH);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, m.statusCode(), when + ": /metrics " + m.body());
            assertTrue(m.body().contains("id=\"matrix-red\"") && m.body().contains("id=\"matrix-listen\""),
                    when + ": rows no longer published\n" + m.body());
            assertEquals(200, j.statusCode(), when + ": jolokia " + j.body());
            assertTrue(j.body().contains("\"status\":200"), when + ": jolokia " + j.body());
            assertTrue(millis < 2 * FRESH.toMillis(), when + ": both answers took " + millis + " ms");
        }

        long scanCount() throws Exception {
            Matcher m = Pattern.compile("\"value\":(\\d+)").matcher(get(jolokia("/read/portwatch:type=Agent/ScanCount"),
                    FRESH).body());
            assertTrue(m.find());
            return Long.parseLong(m.group(1));
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
            Poll.until(Duration.ofSeconds(30), () -> "portwatch never published the rows\n" + stderrText(), () -> {
                try {
                    return get(metrics("/metrics"), FRESH).body().lines().anyMatch(l -> l.startsWith(
                            "portwatch_listening_port_health{") && l.contains("id=\"matrix-listen\""));
                } catch (IOException e) {
                    return false; // not listening yet
                }
            });
        }

        /** What the host wrote to its standard error so far, for failure messages. */
        String stderrText() {
            try {
                return Files.readString(stderr);
            } catch (IOException e) {
                return e.toString();
            }
        }

        /** The host's main returns, the JVM exits 0 by itself, no OutOfMemoryError, nothing written. */
        void assertEndsCleanly() throws Exception {
            int exit = child.finish();
            String err = Files.readString(stderr);
            assertEquals(0, exit, err);
            assertFalse(err.contains("OutOfMemoryError"), err);
            for (Path p : List.of(cwd, tmp)) {
                try (var entries = Files.list(p)) {
                    assertEquals(List.of(), entries.toList(), "portwatch wrote into " + p);
                }
            }
            for (String line : err.split("\n")) {
                assertTrue(line.length() < 20_000, "a log line of " + line.length() + " characters");
            }
        }
    }

    private void writeGoodDefinitions(Path defs) throws IOException {
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"), goodListening());
        Files.writeString(defs.resolve("monitoredTcpConnects.csv"),
                "id,remoteIP,remoteName,remotePort,procName,comment\nmatrix-conn,127.0.0.1,,1,,nothing there\n");
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
                long t0 = System.nanoTime();
                HttpResponse<String> scrape = host.get(host.metrics("/metrics"), Duration.ofSeconds(1));
                assertEquals(200, scrape.statusCode());
                long millis = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(millis < 1000, "a fresh scrape beside " + count + " held connections took " + millis + " ms");
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
        long t0 = System.nanoTime();
        HttpResponse<String> hundred = host.post(host.jolokia("/"), scanNows(100));
        assertEquals(200, hundred.statusCode());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "100 scanNow took too long");
        host.assertAnswers("after 100 scanNow");
        // for 3 s (interval 1 s: about 3 scans of its own), never more than a few scans beyond the scheduled ones
        long window = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < window) {
            long scans = host.scanCount() - before;
            assertTrue(scans <= 8, scans + " scans after 100 scanNow calls: they did not coalesce");
        }
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
        Poll.until(Duration.ofSeconds(20), () -> what + "\n" + host.stderrText(), () -> condition.test(host));
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
}
