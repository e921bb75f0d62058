package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.Definitions;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.TcpQuality;
import io.portwatch.testing.Rows;
import io.portwatch.testing.SnapshotBuilder;
import io.portwatch.testing.Sockets;
import org.jolokia.json.parser.JSONParser;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/** {@code check} shows a connection row's RTT where the reader measures it, and nothing new where it does not. */
class CheckRttTest {

    private static CheckReport report(TcpQuality quality) {
        SocketEntry s = Sockets.tcp("10.0.0.1", 40001, "10.1.2.3", 5432, SocketState.ESTABLISHED, 1, 10)
                .withQuality(quality);
        Snapshot snapshot = new SnapshotBuilder().process(10, "java").socket(s).build();
        Definitions definitions = new Definitions(List.of(Rows.listening("ssh").port("22").build()),
                List.of(Rows.connection("db").remoteIP("10.1.2.3").remotePort(5432).build()));
        Evaluation e = Evaluator.evaluate(definitions, snapshot, ResolvedNames.NONE, EvaluationOptions.forHost("web01"));
        return CheckReport.local(e, snapshot, List.of());
    }

    private static String table(CheckReport report) {
        StringWriter out = new StringWriter();
        try (PrintWriter o = new PrintWriter(out); PrintWriter err = new PrintWriter(new StringWriter())) {
            CheckOutput.table(report, "no rows", o, err);
        }
        return out.toString();
    }

    @Test
    void aMeasuredConnectionRowShowsItsRttInTheTableAndTheJson() throws Exception {
        CheckReport report = report(new TcpQuality(1, 2_500, 10, 0, 0, 0, 0, 0));
        String table = table(report);
        String[] lines = table.split("\n");
        assertTrue(lines[1].contains(" RTT "), table);
        assertTrue(lines[2].contains(" - "), "a listening row has no RTT: " + table);
        assertTrue(lines[3].contains(" 2.5ms "), table);
        Map<?, ?> json = (Map<?, ?>) new JSONParser().parse(CheckOutput.json(report));
        Map<?, ?> connection = (Map<?, ?>) ((List<?>) json.get("rows")).get(1);
        assertEquals(2.5, ((Number) connection.get("rttMs")).doubleValue());
        assertFalse(((Map<?, ?>) ((List<?>) json.get("rows")).get(0)).containsKey("rttMs"));
    }

    @Test
    void withoutMeasuredQualityTheTableHasNoRttColumnAndTheJsonSaysNull() throws Exception {
        CheckReport report = report(null);
        assertFalse(table(report).contains("RTT"), table(report));
        Map<?, ?> json = (Map<?, ?>) new JSONParser().parse(CheckOutput.json(report));
        Map<?, ?> connection = (Map<?, ?>) ((List<?>) json.get("rows")).get(1);
        assertTrue(connection.containsKey("rttMs") && connection.get("rttMs") == null);
    }
}
