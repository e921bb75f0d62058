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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 2 of docs/design.md §5 in a small host: a {@code -Xmx256m} JVM that keeps {@value #BALLAST_MB} MB of its own in
 * use besides portwatch's state of the maximum definitions (about 124 MB: 40,000 rows at every field's longest and
 * their results) serves both formats, plain and gzip, at most the default budget each, and lives on. The two formats'
 * bytes are cached together (2 x 15 MB) and one rendering's snapshots come on top.
 */
class MaxDefinitionsHostTest {

    /** The host's own heap in use, beside portwatch's state. */
    static final int BALLAST_MB = 60;
    /** One generous bound for the child to start and for one scrape (the first renders 40,000 rows' costs). */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Test
    void aSmallHostWithTheMaximumDefinitionsSurvivesScrapesOfBothFormats() throws Exception {
        Path stderr = Files.createTempFile("max-definitions-host", ".err");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                MaxDefinitionsServer.class.getName(), Integer.toString(BALLAST_MB))
                .redirectError(stderr.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("PORT "), "child said " + line + "; stderr: "
                    + Files.readString(stderr));
            System.out.println("max definitions host: " + line + " MB in use before the scrapes");
            URI uri = URI.create("http://127.0.0.1:" + line.split(" ")[1] + PrometheusEndpoint.PATH);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (String accept : new String[] {"text/plain", Exposition.OPENMETRICS}) {
                for (String encoding : new String[] {"identity", "gzip"}) {
                    HttpRequest request = HttpRequest.newBuilder(uri).timeout(DEADLINE).header("Accept", accept)
                            .header("Accept-Encoding", encoding).build();
                    HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    assertEquals(200, r.statusCode(), accept + ", " + encoding + "; stderr: "
                            + Files.readString(stderr));
                    assertTrue(r.body().length <= MaxDefinitionsExpositionTest.STATED_SIZE, r.body().length + " bytes");
                }
            }
            String errors = Files.readString(stderr);
            assertTrue(child.isAlive(), "the host is still up; stderr: " + errors);
            assertFalse(errors.contains("OutOfMemoryError"), errors);
        } finally {
            child.getOutputStream().close(); // asks it to stop
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(stderr);
        }
    }
}
