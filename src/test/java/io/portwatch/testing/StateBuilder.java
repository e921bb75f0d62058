package io.portwatch.testing;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.health.Evaluation;
import io.portwatch.state.MonitorState;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A published {@link MonitorState} for tests, by named fields: host {@code web01}, version {@code 1.2.3}, source
 * {@code test}, interval 15 s, started at {@link #STARTED}, no definitions, no scan yet unless told.
 */
public final class StateBuilder {

    public static final Instant STARTED = Instant.parse("2026-11-22T09:59:00Z");

    private String host = "web01";
    private String version = "1.2.3";
    private String source = "test";
    private Duration interval = Duration.ofSeconds(15);
    private Instant startedAt = STARTED;
    private Definitions definitions;
    private Evaluation evaluation;
    private Instant scannedAt;
    private Duration took = Duration.ofMillis(12);

    public StateBuilder host(String name) {
        host = name;
        return this;
    }

    public StateBuilder version(String v) {
        version = v;
        return this;
    }

    public StateBuilder source(String name) {
        source = name;
        return this;
    }

    public StateBuilder interval(Duration d) {
        interval = d;
        return this;
    }

    public StateBuilder startedAt(Instant t) {
        startedAt = t;
        return this;
    }

    public StateBuilder definitions(List<ListeningRow> listening, List<ConnectionRow> connections) {
        definitions = new Definitions(listening, connections);
        return this;
    }

    /** One successful scan at {@code at} that evaluated to {@code result}. */
    public StateBuilder scanned(Instant at, Evaluation result) {
        scannedAt = at;
        evaluation = result;
        return this;
    }

    public StateBuilder took(Duration d) {
        took = d;
        return this;
    }

    public MonitorState build() {
        MonitorState s = MonitorState.initial(host, version, source, interval, startedAt);
        if (definitions != null) {
            s = s.withDefinitions(definitions, false);
        }
        return evaluation == null ? s : s.withScan(scannedAt, took, false, evaluation);
    }
}
