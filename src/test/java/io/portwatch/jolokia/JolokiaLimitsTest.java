package io.portwatch.jolokia;

import io.portwatch.http.HttpLimits;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request limits of the Jolokia endpoint, over real HTTP on 127.0.0.1: bulk size, body size, exact paths. */
class JolokiaLimitsTest {

    private static String bulk(int requests) {
        StringJoiner body = new StringJoiner(",", "[", "]");
        for (int i = 0; i < requests; i++) {
            body.add("{\"type\":\"version\",\"note\":\"a, [b] {c} \\\"d\\\"\"}");
        }
        return body.toString();
    }

    private static HttpResponse<String> post(URI uri, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int get(URI uri) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void bulkRequestsOverTheLimitAreRefusedWholeBeforeJolokiaRunsThem() throws Exception {
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            HttpResponse<String> ok = post(endpoint.url(), bulk(100));
            assertEquals(200, ok.statusCode());
            assertEquals(100, ok.body().split("\"status\":200", -1).length - 1, ok.body());

            HttpResponse<String> refused = post(endpoint.url(), bulk(101));
            assertEquals(400, refused.statusCode());
            assertTrue(refused.body().contains("A bulk request may hold at most 100 requests (jolokia.maxBulkRequests)"),
                    refused.body());
            HttpResponse<String> huge = post(endpoint.url(), bulk(2000));
            assertEquals(400, huge.statusCode());
        }
    }

    @Test
    void theBulkLimitIsASetting() throws Exception {
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(new JolokiaOptions(JolokiaOptions.loopback(0).http(), 3))) {
            assertEquals(200, post(endpoint.url(), bulk(3)).statusCode());
            assertEquals(400, post(endpoint.url(), bulk(4)).statusCode());
        }
    }

    @Test
    void topLevelElementsAreCountedThroughStringsAndNesting() {
        assertEquals(0, BulkLimit.topLevelElements("{\"type\":\"version\"}".getBytes(StandardCharsets.UTF_8), 10));
        assertEquals(0, BulkLimit.topLevelElements(" [ ] ".getBytes(StandardCharsets.UTF_8), 10));
        assertEquals(3, BulkLimit.topLevelElements("[{\"a\":[1,2,{\"b\":\"],[\"}]},\"x,y\" , 3]"
                .getBytes(StandardCharsets.UTF_8), 10));
        assertEquals(2, BulkLimit.topLevelElements("[1,2,3,4]".getBytes(StandardCharsets.UTF_8), 2));
        assertEquals(2, BulkLimit.topLevelElements("[\"\\\"],\",{}".getBytes(StandardCharsets.UTF_8), 10));
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        JolokiaOptions small = TestOptions.loopbackWith(h -> h.withLimits(new HttpLimits(100, Duration.ofSeconds(10), 1024)));
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(small)) {
            HttpResponse<String> response = post(endpoint.url(), "{\"type\":\"version\",\"x\":\"" + "x".repeat(2000) + "\"}");
            assertEquals(413, response.statusCode());
            assertEquals(200, post(endpoint.url(), "{\"type\":\"version\"}").statusCode());
        }
    }

    @Test
    void onlyJolokiasPathIsServed() throws Exception {
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            String base = "http://127.0.0.1:" + endpoint.url().getPort();
            for (String path : List.of("/", "/jolokiaX", "/jolokiax/version", "/metrics", "/JOLOKIA/version")) {
                assertEquals(404, get(URI.create(base + path)), path);
            }
            for (String path : List.of("/jolokia", "/jolokia/", "/jolokia/version")) {
                assertEquals(200, get(URI.create(base + path)), path);
            }
            assertEquals(403, get(URI.create(base + "/jolokia/version?%63allback=x")));
        }
    }
}
