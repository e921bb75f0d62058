package io.portwatch.prometheus;

import io.portwatch.health.Health;
import io.portwatch.http.EndpointOptions;
import io.portwatch.state.MonitorState;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 2 of docs/design.md §5: when all rows' series would not fit {@code prometheus.maxResponseSize}, the worst rows'
 * are published and the others counted, and which rows those are follows the health of each new state.
 */
class RowOmissionTest {

    private static final int ROWS = 300;

    @Test
    void aRowTurningRedThatWasOmittedIsPublishedAtTheNextState() throws IOException {
        MonitorState green = MaxDefinitions.state(ROWS, i -> Health.GREEN);
        long budget = BoundedExposition.render(green, ExpositionFormat.OPENMETRICS, new ProcessLabels(false, false),
                Long.MAX_VALUE).body().length() / 4;
        AtomicReference<MonitorState> state = new AtomicReference<>(green);
        List<LogRecord> logged = new ArrayList<>();
        Logger log = Logger.getLogger(MetricsHandler.class.getName());
        Handler handler = collect(logged);
        log.addHandler(handler);
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(EndpointOptions.plain(
                EndpointOptions.Keys.PROMETHEUS, "127.0.0.1", 0), state::get, new ProcessLabels(false, false),
                new ExpositionLimits(budget, 4))) {
            Set<String> published = listeningIds(endpoint, null);
            int turning = ROWS - 1;
            String id = LabelValue.of(listeningId(turning));
            assertFalse(published.contains(id), "the last GREEN row is left out");

            state.set(MaxDefinitions.state(ROWS, i -> i == turning ? Health.RED : Health.GREEN));
            for (String accept : new String[] {null, Exposition.OPENMETRICS}) {
                Map<String, TextFormat.Family> families = scrape(endpoint, accept);
                TextFormat.Sample red = families.get("portwatch_listening_port_health").samples().stream()
                        .filter(s -> s.labels().get("id").equals(id)).findFirst().orElseThrow();
                assertEquals(2, red.value(), "published at the next state, RED");
            }
        } finally {
            log.removeHandler(handler);
        }
        List<LogRecord> omissions = logged.stream().filter(r -> r.getMessage().contains("leaves out")).toList();
        assertEquals(1, omissions.size(), "said once while rows are left out: " + omissions.stream()
                .map(LogRecord::getMessage).toList());
        assertEquals(Level.WARNING, omissions.get(0).getLevel());
        String message = omissions.get(0).getMessage();
        assertTrue(message.matches("portwatch: /metrics leaves out the per-row series of \\d+ row\\(s\\), all GREEN,"
                + " \\(\\d+ listening, \\d+ connection\\): all rows would not fit prometheus.maxResponseSize \\("
                + budget + " bytes\\); RED rows are kept first, then YELLOW, then GREEN, and portwatch_rows_omitted"
                + " counts the others. Raise the setting or load fewer rows"), message);
    }

    @Test
    void aStateThatFitsIsRenderedWholeAsBeforeWithNoRowOmitted() throws IOException {
        for (MonitorState state : List.of(States.initial(), States.scanned(), States.inNamespaces())) {
            for (ExpositionFormat format : ExpositionFormat.values()) {
                BoundedExposition.Result r = BoundedExposition.render(state, format, new ProcessLabels(false, false),
                        ExpositionLimits.DEFAULTS.maxBytes());
                assertSame(RowSelection.ALL, r.rows());
                ExpositionBody.Budgeted whole = new ExpositionBody.Budgeted(Long.MAX_VALUE);
                format.writer().write(whole, PortwatchCollector.snapshots(state, new ProcessLabels(false, false)));
                assertArrayEquals(whole.body().toByteArray(), r.body().toByteArray());
            }
        }
    }

    @Test
    void beforeTheFirstScanTheRowInfoOfTheRowsInForceIsBoundedAndCountedToo() {
        MonitorState scanned = MaxDefinitions.state(ROWS, i -> Health.GREEN);
        MonitorState unscanned = new io.portwatch.testing.StateBuilder().host(MaxDefinitions.HOST)
                .definitions(scanned.definitions()).build();
        for (ExpositionFormat format : ExpositionFormat.values()) {
            long whole = BoundedExposition.render(unscanned, format, new ProcessLabels(false, false), Long.MAX_VALUE)
                    .body().length();
            BoundedExposition.Result cut = BoundedExposition.render(unscanned, format,
                    new ProcessLabels(false, false), whole / 3);
            assertTrue(cut.body().length() <= whole / 3, format + ": " + cut.body().length());
            assertFalse(cut.rows().omittedAllGreen(), "rows not yet evaluated are not said GREEN");
            String body = new String(cut.body().toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
            Map<String, TextFormat.Family> families = format == ExpositionFormat.TEXT ? TextFormat.parseText(body)
                    : TextFormat.parseOpenMetrics(body);
            int published = families.get(format == ExpositionFormat.TEXT ? "portwatch_row_info" : "portwatch_row")
                    .samples().size();
            double omitted = families.get("portwatch_rows_omitted").samples().stream()
                    .mapToDouble(TextFormat.Sample::value).sum();
            assertTrue(published > 0);
            assertEquals(2 * ROWS - published, omitted, format.toString());
        }
    }

    static String listeningId(int i) {
        return MaxDefinitions.longest("listening-" + i + "-", MaxDefinitions.FIELD);
    }

    private static Set<String> listeningIds(PrometheusEndpoint endpoint, String accept) throws IOException {
        return scrape(endpoint, accept).get("portwatch_row_info").samples().stream()
                .filter(s -> s.labels().get("kind").equals("listening")).map(s -> s.labels().get("id"))
                .collect(Collectors.toSet());
    }

    private static Map<String, TextFormat.Family> scrape(PrometheusEndpoint endpoint, String accept)
            throws IOException {
        HttpResponse<String> r = Http.get(endpoint.port(), PrometheusEndpoint.PATH, accept);
        assertEquals(200, r.statusCode(), r.body());
        return accept == null ? TextFormat.parseText(r.body()) : TextFormat.parseOpenMetrics(r.body());
    }

    private static Handler collect(List<LogRecord> logged) {
        return new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
    }
}
