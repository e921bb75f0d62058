package io.portwatch.http;

import com.sun.net.httpserver.HttpHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Basic authentication with bcrypt hashes and TLS from PEM files or a PKCS12 keystore, configured the
 * same way for every endpoint, tried with {@code java.net.http.HttpClient} and {@code curl}.
 */
class AuthAndTlsTest {

    /**
     * The same password, "s3cret", hashed by Debian's libxcrypt under each bcrypt prefix:
     * {@code python3 -c "import crypt; print(crypt.crypt('s3cret', '$2y$10$abcdefghijklmnopqrstuu'))"}.
     * {@code htpasswd -B} writes {@code $2y$}, Python's bcrypt {@code $2b$}, older tools {@code $2a$}.
     */
    static final List<String> HASHES = List.of(
            "$2y$10$abcdefghijklmnopqrstuu3KWNuWLhBnmgYfnzONPueahDuedC/lu",
            "$2b$10$abcdefghijklmnopqrstuu3KWNuWLhBnmgYfnzONPueahDuedC/lu",
            "$2a$10$abcdefghijklmnopqrstuu3KWNuWLhBnmgYfnzONPueahDuedC/lu");

    private static final EndpointOptions.Keys KEYS = EndpointOptions.Keys.PROMETHEUS;
    private static final HttpHandler OK = exchange -> {
        byte[] body = "portwatch_up 1\n".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    };

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void certificates() throws Exception {
        certs = TestCertificates.create(dir);
    }

    private static EndpointServer start(EndpointOptions options) throws IOException {
        return EndpointServer.start(options, EndpointServer.Route.exact("test", "/metrics", OK));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static int status(HttpClient client, URI uri, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void everyBcryptPrefixChecksTheSamePassword() throws Exception {
        for (String hash : HASHES) {
            try (EndpointServer server = start(EndpointOptions.plain(KEYS, "127.0.0.1", 0).withCredentials("ops", hash))) {
                HttpClient client = HttpClient.newHttpClient();
                URI uri = server.url("");
                assertEquals(200, status(client, uri, basic("ops", "s3cret")), hash);
                assertEquals(200, status(client, uri, basic("ops", "s3cret")), hash + " (remembered)");
                assertEquals(401, status(client, uri, basic("ops", "wrong")), hash);
                assertEquals(401, status(client, uri, basic("other", "s3cret")), hash);
                assertEquals(401, status(client, uri, null), hash);
                assertEquals(401, status(client, uri, "Basic !!notbase64"), hash);
                assertEquals(401, status(client, uri, "Bearer x"), hash);
            }
        }
    }

    @Test
    void aHashMadeByHashPasswordIsAccepted() throws Exception {
        String hash = Credentials.hash("pa:ss wörd");
        assertTrue(Credentials.isBcryptHash(hash), hash);
        try (EndpointServer server = start(EndpointOptions.plain(KEYS, "127.0.0.1", 0).withCredentials("ops", hash))) {
            assertEquals(200, status(HttpClient.newHttpClient(), server.url(""), basic("ops", "pa:ss wörd")));
        }
        assertThrows(IllegalArgumentException.class, () -> Credentials.hash("x".repeat(73)));
    }

    @Test
    void theChallengeNamesBasicAuthentication() throws Exception {
        try (EndpointServer server = start(EndpointOptions.plain(KEYS, "127.0.0.1", 0)
                .withCredentials("ops", HASHES.get(0)))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url("")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, response.statusCode());
            assertEquals("Basic realm=\"portwatch\", charset=\"UTF-8\"",
                    response.headers().firstValue("WWW-Authenticate").orElse(""));
        }
    }

    @Test
    void aNonLoopbackBindWithoutAuthenticationIsRefusedNamingTheSettings() {
        for (String host : List.of("0.0.0.0", "::")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> start(EndpointOptions.plain(KEYS, host, 0)));
            assertEquals("prometheus.host=" + host + " is not a loopback address: Prometheus endpoint needs prometheus.user"
                    + " and prometheus.password to listen on it (and prometheus.https=true to keep the password off the"
                    + " wire)", e.getMessage());
        }
    }

    @Test
    void aNonLoopbackBindWithBasicAuthAndPemTlsServesHttpClientAndCurl() throws Exception {
        EndpointOptions options = EndpointOptions.plain(KEYS, "0.0.0.0", 0).withCredentials("ops", HASHES.get(0))
                .withPem(certs.cert(), certs.key());
        try (EndpointServer server = start(options)) {
            URI uri = URI.create("https://localhost:" + server.port() + "/metrics");
            HttpClient client = HttpClient.newBuilder().sslContext(certs.trusting()).build();
            assertEquals(200, status(client, uri, basic("ops", "s3cret")));
            assertEquals(401, status(client, uri, basic("ops", "wrong")));

            Curl ok = curl("--cacert", certs.cert().toString(), "-u", "ops:s3cret", "--resolve",
                    "localhost:" + server.port() + ":127.0.0.1", uri.toString());
            assertEquals("200", ok.status(), ok.output());
            assertTrue(ok.output().contains("portwatch_up 1"), ok.output());
            Curl wrong = curl("--cacert", certs.cert().toString(), "-u", "ops:nope", "--resolve",
                    "localhost:" + server.port() + ":127.0.0.1", uri.toString());
            assertEquals("401", wrong.status(), wrong.output());
            Curl oldTls = curl("--cacert", certs.cert().toString(), "--tls-max", "1.1", "-u", "ops:s3cret", "--resolve",
                    "localhost:" + server.port() + ":127.0.0.1", uri.toString());
            assertEquals("000", oldTls.status(), "TLS 1.1 was accepted: " + oldTls.output());
            Curl plainHttp = curl("http://127.0.0.1:" + server.port() + "/metrics");
            assertFalse(plainHttp.status().equals("200"), "plain http served on the https port");
        }
    }

    @Test
    void aPkcs12KeystoreServesTheSame() throws Exception {
        EndpointOptions options = EndpointOptions.plain(KEYS, "127.0.0.1", 0)
                .withKeystore(certs.keystore(), certs.keystorePassword());
        try (EndpointServer server = start(options)) {
            assertEquals("https", server.url("").getScheme());
            URI uri = URI.create("https://localhost:" + server.port() + "/metrics");
            assertEquals(200, status(HttpClient.newBuilder().sslContext(certs.trusting()).build(), uri, null));
        }
    }

    @Test
    void tlsFilesThatCannotBeUsedAreErrorsNamingSettingAndFile() throws Exception {
        EndpointOptions base = EndpointOptions.plain(KEYS, "127.0.0.1", 0);
        IOException pkcs1 = assertThrows(IOException.class, () -> start(base.withPem(certs.cert(), certs.pkcs1Key())));
        assertEquals("prometheus.tlsKey: " + certs.pkcs1Key() + " holds a \"RSA PRIVATE KEY\"; expecting an unencrypted"
                + " PKCS#8 \"PRIVATE KEY\" (convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)",
                pkcs1.getMessage());
        Path missing = dir.resolve("missing.pem");
        IOException absent = assertThrows(IOException.class, () -> start(base.withPem(missing, certs.key())));
        assertEquals("prometheus.tlsCert: " + missing + " not found", absent.getMessage());
        IOException swapped = assertThrows(IOException.class, () -> start(base.withPem(certs.key(), certs.cert())));
        assertTrue(swapped.getMessage().startsWith("prometheus.tlsCert: cannot use " + certs.key()), swapped.getMessage());
        IOException wrongPassword = assertThrows(IOException.class,
                () -> start(base.withKeystore(certs.keystore(), "wrong")));
        assertTrue(wrongPassword.getMessage().startsWith("prometheus.keystore: cannot use " + certs.keystore()),
                wrongPassword.getMessage());
        Path fifo = dir.resolve("fifo.pem");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);
        IOException notRegular = assertThrows(IOException.class, () -> start(base.withPem(fifo, certs.key())));
        assertEquals("prometheus.tlsCert: " + fifo + " is not a regular file", notRegular.getMessage());
        Path huge = dir.resolve("huge.pem");
        Files.write(huge, new byte[TlsContexts.MAX_FILE_BYTES + 1]);
        IOException tooLarge = assertThrows(IOException.class, () -> start(base.withPem(huge, certs.key())));
        assertEquals("prometheus.tlsCert: " + huge + " is larger than 1 MiB, not read", tooLarge.getMessage());
    }

    /** What curl said: the status code it printed last, and everything. */
    record Curl(String status, String output) {
    }

    static Curl curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "5", "-w", "\n%{http_code}"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not end: " + command);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String last = out.substring(out.lastIndexOf('\n') + 1).trim();
        return new Curl(last, out);
    }
}
