package io.portwatch.prometheus;

import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 1 of docs/design.md §5, negotiation: whatever the {@code Accept} header says, {@code /metrics} answers the
 * text format or OpenMetrics, never 500. Headers as Prometheus sends them (scrape/manager.go, config.ScrapeProtocols).
 */
class NegotiationTest {

    private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** Prometheus 2.49+ / 3 with native histograms: protobuf first, then text 0.0.4. */
    static final String PROTOBUF_THEN_TEXT = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.1";

    /** {@code scrape_protocols: [PrometheusProto, OpenMetricsText1.0.0, PrometheusText0.0.4]}. */
    static final String PROTOBUF_THEN_OPENMETRICS = "application/vnd.google.protobuf;"
            + "proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,"
            + "application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    /** {@code scrape_protocols: [PrometheusProto]} only: protobuf, then anything. */
    static final String PROTOBUF_ONLY = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
            + "encoding=delimited;q=0.9,*/*;q=0.1";

    /** Prometheus 3's default: OpenMetrics with UTF-8 escaping allowed, then text 1.0.0 and 0.0.4. */
    static final String PROMETHEUS_3_DEFAULT = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,"
            + "application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,"
            + "text/plain;version=0.0.4;q=0.2,*/*;q=0.1";

    @Test
    void aProtobufFirstAcceptHeaderGetsTextNot500() throws IOException {
        assertServed(PROTOBUF_THEN_TEXT, TEXT);
    }

    @Test
    void aProtobufFirstAcceptHeaderListingOpenMetricsGetsOpenMetrics() throws IOException {
        assertServed(PROTOBUF_THEN_OPENMETRICS, OPENMETRICS);
    }

    @Test
    void aProtobufOnlyAcceptHeaderWithAnyGetsText() throws IOException {
        assertServed(PROTOBUF_ONLY, TEXT);
        assertServed("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited",
                TEXT);
    }

    @Test
    void prometheus3sDefaultAcceptHeaderGetsOpenMetrics() throws IOException {
        assertServed(PROMETHEUS_3_DEFAULT, OPENMETRICS);
    }

    @Test
    void aGarbageAcceptHeaderGetsTextNot500() throws IOException {
        for (String garbage : new String[] {"", ";;;,,,", "q=0.5", "application/openmetrics-text;q=zero",
                "*/*;q=", "text/plain;version=9.9.9", "x".repeat(4000), ",".repeat(2000)}) {
            assertServed(garbage, garbage.startsWith("application/openmetrics-text") ? OPENMETRICS : TEXT);
        }
    }

    @Test
    void anAcceptHeaderOfRawBytesGetsTextNot500() throws IOException {
        // bytes the JDK client refuses to send: a control character, invalid UTF-8, a lone surrogate's encoding
        byte[] accept = {'t', 'e', 'x', 't', 0x01, (byte) 0xff, (byte) 0xfe, (byte) 0xed, (byte) 0xa0, (byte) 0x80};
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, States::scanned, false);
             Socket socket = new Socket("127.0.0.1", endpoint.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAccept: ")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(accept);
            out.write("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200") || response.startsWith("HTTP/1.1 400"),
                    "text, or the server's own refusal of the header; never 500: " + response.lines().findFirst());
            if (response.startsWith("HTTP/1.1 200")) {
                assertTrue(response.contains("Content-Type: " + TEXT), response.substring(0, 300));
            }
        }
    }

    @Test
    void openMetricsWithWeightZeroIsNotChosen() {
        assertEquals(ExpositionFormat.TEXT, ExpositionFormat.forAccept("application/openmetrics-text;q=0,*/*;q=0.1"));
        assertEquals(ExpositionFormat.OPENMETRICS, ExpositionFormat.forAccept("APPLICATION/OpenMetrics-Text"));
        assertEquals(ExpositionFormat.TEXT, ExpositionFormat.forAccept(null));
    }

    private static void assertServed(String accept, String contentType) throws IOException {
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, States::scanned, false)) {
            HttpResponse<String> r = Http.get(endpoint.port(), PrometheusEndpoint.PATH, accept);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(contentType, r.headers().firstValue("Content-Type").orElse(""));
            if (contentType.equals(TEXT)) {
                TextFormat.parseText(r.body());
            } else {
                TextFormat.parseOpenMetrics(r.body());
            }
        }
    }
}
