package io.portwatch.prometheus;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/design.md §5 (bounded memory) under many scrapers: 50 kept-alive connections fetching the 3 MB
 * uncompressed exposition of 10,000 rows from a JVM with a 64 MB heap. The JDK HTTP server keeps, per
 * connection, a buffer twice the largest single write; one write per response would need 300 MB here.
 */
class ScrapeMemoryTest {

    private static final int SCRAPERS = 50;
    private static final int REQUESTS_EACH = 3;

    @Test
    void fiftyKeptAliveScrapersOfAThreeMegabyteExpositionFitASmallHeap() throws Exception {
        Path stderr = Files.createTempFile("scrape-memory", ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                LargeStateServer.class.getName(), "10000")
                .redirectError(stderr.toFile()).start();
        ExecutorService pool = Executors.newFixedThreadPool(SCRAPERS);
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("PORT "), "child said " + line + "; stderr: " + Files.readString(stderr));
            URI uri = URI.create("http://127.0.0.1:" + line.substring(5).trim() + PrometheusEndpoint.PATH);

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(); // keeps connections
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(); // no gzip
            int length = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
            assertTrue(length > 2_000_000, "a large exposition: " + length + " bytes");

            List<Future<List<String>>> scrapers = new ArrayList<>();
            for (int s = 0; s < SCRAPERS; s++) {
                scrapers.add(pool.submit(() -> {
                    List<String> problems = new ArrayList<>();
                    for (int i = 0; i < REQUESTS_EACH; i++) {
                        try {
                            HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            if (r.statusCode() != 200 || r.body().length != length) {
                                problems.add("HTTP " + r.statusCode() + ", " + r.body().length + " bytes");
                            }
                        } catch (java.io.IOException e) {
                            problems.add(e.toString());
                        }
                    }
                    return problems;
                }));
            }
            List<String> problems = new ArrayList<>();
            for (Future<List<String>> f : scrapers) {
                problems.addAll(f.get(120, TimeUnit.SECONDS));
            }
            String childErrors = Files.readString(stderr);
            assertEquals(List.of(), problems, "every scrape complete; child stderr: " + childErrors);
            assertTrue(child.isAlive(), "the serving JVM is still up; stderr: " + childErrors);
            assertFalse(childErrors.contains("OutOfMemoryError"), childErrors);
        } finally {
            pool.shutdownNow();
            child.getOutputStream().close(); // asks it to stop
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(stderr);
        }
    }
}
