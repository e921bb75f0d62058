package io.portwatch.jolokia;

import org.jolokia.json.JSONObject;
import org.jolokia.json.parser.JSONParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small Jolokia client over {@link HttpClient} for the tests. */
final class JolokiaClient {

    record Response(int httpStatus, String body) {

        /** The body as a JSON object (fails the test if it is none). */
        JSONObject json() {
            try {
                return new JSONParser().parse(body, JSONObject.class);
            } catch (Exception e) {
                throw new AssertionError("not a JSON object: " + body, e);
            }
        }

        /** Jolokia's own status inside the JSON answer. */
        int status() {
            return ((Number) json().get("status")).intValue();
        }

        Object value() {
            return json().get("value");
        }
    }

    private final HttpClient http;
    private final URI base;
    private String authorization;

    JolokiaClient(URI base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    JolokiaClient(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
    }

    JolokiaClient withBasicAuth(String user, String password) {
        JolokiaClient client = new JolokiaClient(base, http);
        client.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return client;
    }

    /** GET {@code base + path}, e.g. {@code read/java.lang:type=Memory/HeapMemoryUsage}. */
    Response get(String path, String... headers) throws IOException, InterruptedException {
        return send(request(path, headers).GET().build());
    }

    /** POST a JSON request to {@code base}. */
    Response post(String json, String... headers) throws IOException, InterruptedException {
        return send(request("", headers).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(response.statusCode(), response.body());
    }

    /**
     * One GET over a plain socket with exactly the given Host header (HttpClient will not send
     * another) and without starting any client threads. Returns the status line and headers/body.
     */
    static String rawGet(URI base, String path, String hostHeader) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + hostHeader
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
