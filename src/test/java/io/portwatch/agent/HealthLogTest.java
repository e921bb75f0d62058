package io.portwatch.agent;

import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.health.Evaluation;
import io.portwatch.health.ListeningReason;
import io.portwatch.health.ListeningResult;
import io.portwatch.state.MonitorState;
import io.portwatch.health.SocketCounts;
import io.portwatch.scan.Protocol;
import io.portwatch.testing.LogCapture;
import io.portwatch.testing.StateBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link HealthLog}: one line per change, a summary for the first scan, bounded, one line each. */
class HealthLogTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");
    private final HealthLog log = new HealthLog(System.getLogger("io.portwatch"));
    private MonitorState state = new StateBuilder().version("1").startedAt(AT).build();

    @Test
    void firstScanIsOneSummaryThenEachChangeOneLine() {
        try (LogCapture capture = new LogCapture()) {
            publish(rows(3, ListeningReason.LISTENING, "up"));
            publish(rows(3, ListeningReason.LISTENING, "up")); // no change: nothing
            List<ListeningResult> next = new ArrayList<>(rows(3, ListeningReason.LISTENING, "up"));
            next.set(1, row(1, ListeningReason.NOT_LISTENING, "nothing listens on tcp/1001"));
            publish(next);
            next.set(1, row(1, ListeningReason.LISTENING, "back"));
            publish(next);

            assertEquals(List.of("portwatch: first scan: 3 GREEN, 0 YELLOW, 0 RED (GREEN: r0, r1, r2)",
                    "portwatch: r1 RED -> GREEN: back"), capture.messages(Level.INFO));
            assertEquals(List.of("portwatch: r1 GREEN -> RED: nothing listens on tcp/1001"),
                    capture.messages(Level.WARNING));
        }
    }

    @Test
    void aScanChangingThousandsOfRowsLogsAtMostTheCapAndACount() {
        try (LogCapture capture = new LogCapture()) {
            publish(rows(5000, ListeningReason.LISTENING, "up"));
            publish(rows(5000, ListeningReason.NOT_LISTENING, "down"));

            List<String> warnings = capture.messages(Level.WARNING);
            assertEquals(HealthLog.MAX_LINES + 1, warnings.size());
            assertEquals("portwatch: and 4900 more rows changed health in this scan (only 100 are logged per scan)",
                    warnings.get(HealthLog.MAX_LINES));
            String summary = capture.messages(Level.INFO).get(0);
            assertTrue(summary.endsWith("r8, r9 and 4990 more)"), summary);
        }
    }

    @Test
    void aReasonCannotSplitTheLogLine() {
        try (LogCapture capture = new LogCapture()) {
            publish(List.of(row(0, ListeningReason.LISTENING, "up")));
            publish(List.of(row(0, ListeningReason.OTHER_OWNER, "owned by evil\nportwatch: r0 YELLOW -> GREEN: forged")));

            assertEquals(List.of("portwatch: r0 GREEN -> YELLOW: owned by evil\\u000Aportwatch: r0 YELLOW -> GREEN: forged"),
                    capture.messages(Level.WARNING));
        }
    }

    private void publish(List<ListeningResult> results) {
        Evaluation evaluation = new Evaluation(AT, results, List.of(), List.of(), new SocketCounts.Builder().build(),
                List.of());
        MonitorState next = state.withScan(AT, Duration.ofMillis(5), false, evaluation);
        log.published(state, next);
        state = next;
    }

    private static List<ListeningResult> rows(int n, ListeningReason reason, String text) {
        List<ListeningResult> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(row(i, reason, text));
        }
        return rows;
    }

    private static ListeningResult row(int i, ListeningReason reason, String text) {
        ListeningRow row = new ListeningRow("r" + i, Protocol.TCP, Optional.empty(), new PortRange(1000 + i, 1000 + i),
                NamePattern.ANY, "", NamePattern.ANY, Severity.CRITICAL, new Source("monitoredListeningPorts.csv", i + 2));
        return new ListeningResult(row, reason, text, AT, List.of(), "key" + i);
    }
}
