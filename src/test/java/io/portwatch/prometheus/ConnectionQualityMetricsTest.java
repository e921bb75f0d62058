package io.portwatch.prometheus;

import static io.portwatch.prometheus.Exposition.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.health.ConnectionQuality;
import io.portwatch.health.ConnectionReason;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.scan.SocketState;
import io.portwatch.state.MonitorState;
import io.portwatch.testing.Rows;
import io.portwatch.testing.StateBuilder;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** docs/metrics.md "Connection quality": series only for rows whose quality is known. */
class ConnectionQualityMetricsTest {

    private static ConnectionResult result(String id, ConnectionQuality quality) {
        ConnectionRow row = Rows.connection(id).remoteIP("10.0.0.5").remotePort(5432).build();
        return new ConnectionResult(row, ConnectionReason.COUNT_AS_EXPECTED, "ok", States.SCANNED, List.of(),
                Map.of(SocketState.ESTABLISHED, 1), "k").withQuality(quality);
    }

    private static Map<String, TextFormat.Family> families(ConnectionResult... results) {
        Evaluation e = new Evaluation(States.SCANNED, List.of(), List.of(results), List.of(), StateBuilder.counts(),
                List.of());
        MonitorState state = States.builder().definitions(Definitions.EMPTY).scanned(States.SCANNED, e)
                .took(Duration.ofMillis(5)).build();
        return TextFormat.parseText(render(state, false, null));
    }

    private static List<String> ids(Map<String, TextFormat.Family> families, String name) {
        TextFormat.Family f = families.get(name);
        return f == null ? List.of() : f.samples().stream().map(s -> s.labels().get("id")).sorted()
                .collect(Collectors.toList());
    }

    @Test
    void onlyRowsWhoseQualityIsKnownHaveQualitySeries() {
        Map<String, TextFormat.Family> f = families(result("measured", new ConnectionQuality(40_000, 900, 12, 2, 3)),
                result("proc", null));
        for (String name : List.of("portwatch_connection_rtt_seconds", "portwatch_connection_sent_segments_total",
                "portwatch_connection_retransmitted_segments_total", "portwatch_connection_stalled_sockets")) {
            assertEquals(List.of("measured"), ids(f, name), name);
        }
        assertEquals(0.04, PortwatchCollectorTest.value(f, "portwatch_connection_rtt_seconds", Map.of("id", "measured")));
        assertEquals(900, PortwatchCollectorTest.value(f, "portwatch_connection_sent_segments_total",
                Map.of("id", "measured")));
        assertEquals(12, PortwatchCollectorTest.value(f, "portwatch_connection_retransmitted_segments_total",
                Map.of("id", "measured")));
        assertEquals(2, PortwatchCollectorTest.value(f, "portwatch_connection_stalled_sockets",
                Map.of("id", "measured")));
    }

    @Test
    void aRowWithNoSocketMeasuredNowKeepsItsCountersButHasNoRtt() {
        Map<String, TextFormat.Family> f = families(result("gone", new ConnectionQuality(
                ConnectionQuality.UNKNOWN_RTT, 900, 12, 0, 0)));
        assertTrue(ids(f, "portwatch_connection_rtt_seconds").isEmpty());
        assertEquals(List.of("gone"), ids(f, "portwatch_connection_sent_segments_total"));
    }
}
