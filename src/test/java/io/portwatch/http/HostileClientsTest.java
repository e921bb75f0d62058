package io.portwatch.http;

import io.portwatch.testing.Poll;
import com.sun.net.httpserver.HttpHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoint server against clients that hold connections, trickle bytes, stall handshakes or
 * send huge bodies, over real sockets on 127.0.0.1. Every loop is bounded in count and time.
 */
class HostileClientsTest {

    private static final EndpointOptions.Keys KEYS = EndpointOptions.Keys.PROMETHEUS;
    private static final byte[] ONE_BYTE = {'G'};

    /** Answers "ok" and counts the requests and body bytes it was given. */
    private static final class Counting implements HttpHandler {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger bodyBytes = new AtomicInteger();

        @Override
        public void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
            calls.incrementAndGet();
            bodyBytes.addAndGet(exchange.getRequestBody().readAllBytes().length);
            byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static EndpointServer start(HttpLimits limits, HttpHandler handler) throws IOException {
        return EndpointServer.start(EndpointOptions.plain(KEYS, "127.0.0.1", 0).withLimits(limits),
                EndpointServer.Route.exact("test", "/metrics", handler));
    }

    /** Like Jolokia's route: takes request bodies. */
    private static EndpointServer startTakingBodies(HttpLimits limits, HttpHandler handler) throws IOException {
        return EndpointServer.start(EndpointOptions.plain(KEYS, "127.0.0.1", 0).withLimits(limits),
                new EndpointServer.Route("test", "/metrics", false, true, handler, body -> null));
    }

    /** Polls until the condition holds, for at most 5 s. */
    private static void awaitTrue(Poll.Check<Boolean> condition, String what) throws Exception {
        Poll.until(Duration.ofSeconds(5), what, condition);
    }

    private static HttpResponse<String> get(URI uri, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        return client.send(HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fourHundredConnectionsThatSendOneByteAndHoldDoNotStopAFreshScrape() throws Exception {
        try (EndpointServer server = start(HttpLimits.DEFAULTS, new Counting())) {
            List<Socket> hostile = RawClient.holding(server.port(), 400, ONE_BYTE);
            try {
                for (int i = 0; i < 5; i++) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> response = get(server.url(""), Duration.ofSeconds(1));
                    long millis = (System.nanoTime() - t0) / 1_000_000;
                    assertEquals(200, response.statusCode());
                    assertTrue(millis < 1000, "fresh scrape took " + millis + " ms");
                }
                assertTrue(server.openConnections() <= HttpLimits.DEFAULTS.maxConnections(),
                        server.openConnections() + " connections open");
                assertTrue(RawClient.closedByServer(hostile) >= 300, "the excess was not closed");
            } finally {
                RawClient.closeAll(hostile);
            }
        }
    }

    @Test
    void whenEveryConnectionIsWaitingTheLongestSilentOneMakesRoom() throws Exception {
        try (EndpointServer server = start(HttpLimits.DEFAULTS.withMaxConnections(2), new Counting())) {
            List<Socket> first = RawClient.holding(server.port(), 1, ONE_BYTE);
            awaitTrue(() -> server.openConnections() == 1, "the first connection is tracked");
            List<Socket> second = RawClient.holding(server.port(), 1, ONE_BYTE);
            try {
                assertEquals(200, get(server.url(""), Duration.ofSeconds(1)).statusCode());
                assertTrue(RawClient.closedByServer(first.get(0)), "the oldest waiting connection stays open");
                assertTrue(!RawClient.closedByServer(second.get(0)), "a younger connection was closed first");
            } finally {
                RawClient.closeAll(first);
                RawClient.closeAll(second);
            }
        }
    }

    @Test
    void aRequestTrickledSlowerThanTheReadTimeoutIsCutThoughBytesKeepComing() throws Exception {
        try (EndpointServer server = start(HttpLimits.DEFAULTS.withReadTimeout(Duration.ofSeconds(1)), new Counting());
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            byte[] request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                    .getBytes(StandardCharsets.US_ASCII);
            long t0 = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < request.length && !cut; i++) { // at most 60 × 100 ms
                try {
                    s.getOutputStream().write(request[i]);
                    s.getOutputStream().flush();
                    cut = RawClient.closedByServer(s);
                } catch (IOException e) {
                    cut = true;
                }
                Thread.sleep(50);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(cut, "a request trickled for " + millis + " ms was never cut");
            assertTrue(millis >= 900 && millis < 2500, "cut after " + millis + " ms, read timeout 1 s");
        }
    }

    @Test
    void halfFinishedTlsHandshakesAreCutAndDoNotBlockOthers(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        EndpointOptions options = EndpointOptions.plain(KEYS, "127.0.0.1", 0).withPem(certs.cert(), certs.key())
                .withLimits(HttpLimits.DEFAULTS.withReadTimeout(Duration.ofSeconds(1)));
        try (EndpointServer server = EndpointServer.start(options, EndpointServer.Route.exact("test", "/metrics",
                new Counting()))) {
            // the first bytes of a TLS record header announcing a ClientHello, then nothing
            List<Socket> stalled = RawClient.holding(server.port(), 50, new byte[]{0x16, 0x03, 0x01});
            try {
                HttpClient client = HttpClient.newBuilder().sslContext(certs.trusting())
                        .connectTimeout(Duration.ofSeconds(1)).build();
                URI uri = URI.create("https://localhost:" + server.port() + "/metrics");
                long t0 = System.nanoTime();
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
                awaitTrue(() -> RawClient.closedByServer(stalled) == 50, "stalled handshakes outlived the read timeout");
            } finally {
                RawClient.closeAll(stalled);
            }
        }
    }

    @Test
    void aBodyDeclaredOverTheLimitIsRefusedWith413BeforeItIsSent() throws Exception {
        Counting handler = new Counting();
        try (EndpointServer server = startTakingBodies(HttpLimits.DEFAULTS, handler)) {
            String answer = RawClient.exchange(server.port(), "POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 52428800\r\n\r\n{\"type\":\"version\",\"x\":\"xx");
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("Request body larger than 1048576 bytes (http.maxBodySize)"), answer);
            assertEquals(0, handler.calls.get());
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413AndNeverReachesTheHandler() throws Exception {
        Counting handler = new Counting();
        try (EndpointServer server = startTakingBodies(HttpLimits.DEFAULTS, handler);
             Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            OutputStream out = s.getOutputStream();
            out.write("POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'x');
            try {
                for (int i = 0; i < 40; i++) { // 2.5 MiB at most
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                // the server may close while we still write: that is a refusal too
            }
            String answer = RawClient.readAnswer(s);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertEquals(0, handler.calls.get());
        }
    }

    @Test
    void aBodyWithinTheLimitReachesTheHandlerWhole() throws Exception {
        Counting handler = new Counting();
        try (EndpointServer server = startTakingBodies(HttpLimits.DEFAULTS, handler)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.url(""))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1024 * 1024])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals(1024 * 1024, handler.bodyBytes.get());
        }
    }

    @Test
    void onlyTheExactPathIsServed() throws Exception {
        try (EndpointServer server = start(HttpLimits.DEFAULTS, new Counting())) {
            String base = "http://127.0.0.1:" + server.port();
            for (String path : List.of("/metricsX", "/metrics/foo", "/metrics/", "/", "/metric", "/METRICS", "/metrics;x=1",
                    "/%6Detrics")) {
                assertEquals(404, get(URI.create(base + path), Duration.ofSeconds(2)).statusCode(), path);
            }
            assertEquals(200, get(URI.create(base + "/metrics?name[]=x"), Duration.ofSeconds(2)).statusCode());
        }
    }

    @Test
    void jsonpAndMimeTypeAreJudgedOnDecodedParameterNames() throws Exception {
        try (EndpointServer server = start(HttpLimits.DEFAULTS, new Counting())) {
            String base = "http://127.0.0.1:" + server.port() + "/metrics";
            for (String query : List.of("?callback=x", "?%63allback=x", "?CallBack=x", "?a=1&%63%61llback=x",
                    "?mimeType=text/html", "?%6DimeType=text/html", "?mimetype=text/html")) {
                HttpResponse<String> response = get(URI.create(base + query), Duration.ofSeconds(2));
                assertEquals(403, response.statusCode(), query);
            }
            for (String query : List.of("?mimeType=application/json", "?mimeType=text/plain", "?callbacks=x")) {
                assertEquals(200, get(URI.create(base + query), Duration.ofSeconds(2)).statusCode(), query);
            }
        }
    }

    @Test
    void aBodyToAnEndpointThatTakesNoneIsRefused() throws Exception {
        Counting handler = new Counting();
        try (EndpointServer server = start(HttpLimits.DEFAULTS, handler)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url(""))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode());
            assertTrue(response.body().contains("This endpoint takes no request body"), response.body());
            assertEquals(0, handler.calls.get());
        }
    }

    @Test
    void bodiesInMemoryAreBoundedPerEndpoint() throws Exception {
        HttpLimits small = new HttpLimits(100, Duration.ofSeconds(10), 1024);
        try (EndpointServer server = startTakingBodies(small, new Counting())) {
            String head = "POST /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1024\r\n\r\n0123456789";
            List<Socket> holding = RawClient.holding(server.port(), GuardHandler.BODIES_IN_MEMORY,
                    head.getBytes(StandardCharsets.US_ASCII));
            try {
                awaitTrue(() -> server.bufferedBodyBytes() == GuardHandler.BODIES_IN_MEMORY * 1024L,
                        "the held bodies are reserved");
                String answer = RawClient.exchange(server.port(), head);
                assertTrue(answer.startsWith("HTTP/1.1 503 "), answer);
                assertTrue(answer.contains("Too many request bodies in memory on this endpoint"), answer);
                assertEquals(200, get(server.url(""), Duration.ofSeconds(2)).statusCode(), "a GET still goes through");
            } finally {
                RawClient.closeAll(holding);
            }
        }
    }

    @Test
    void aClientThatReadsItsAnswerAByteAtATimeIsCutAfterTheReadTimeout() throws Exception {
        byte[] big = new byte[16 * 1024 * 1024];
        HttpHandler bigAnswer = exchange -> {
            exchange.sendResponseHeaders(200, big.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(big);
            }
        };
        try (EndpointServer server = start(HttpLimits.DEFAULTS.withReadTimeout(Duration.ofSeconds(1)), bigAnswer);
             Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
            s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // reading a little every 200 ms: the answer still has to be written within the read timeout
            long opened = System.nanoTime() + 2_000_000_000L;
            while (server.openConnections() == 0 && System.nanoTime() < opened) {
                Thread.sleep(10);
            }
            assertEquals(1, server.openConnections());
            long t0 = System.nanoTime();
            long deadline = t0 + 5_000_000_000L;
            s.setSoTimeout(200);
            byte[] sip = new byte[8192];
            while (server.openConnections() > 0 && System.nanoTime() < deadline) {
                try {
                    if (s.getInputStream().read(sip) < 0) {
                        break;
                    }
                } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                    // nothing to read this time, or the server cut us
                }
                Thread.sleep(200);
            }
            assertEquals(0, server.openConnections(), "a client reading its answer a sip at a time still holds the server");
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis >= 800, "cut after " + millis + " ms, before the read timeout of 1 s");
        }
    }
}
