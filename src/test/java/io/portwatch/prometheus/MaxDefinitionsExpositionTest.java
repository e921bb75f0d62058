package io.portwatch.prometheus;

import io.portwatch.config.DefinitionsLoader;
import io.portwatch.health.Health;
import io.portwatch.state.MonitorState;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 2 of docs/design.md §5: what rows put into {@code /metrics} is bounded as a whole, by construction. The
 * exposition of the largest state definitions can make ({@link MaxDefinitions}: about 70 MB whole) is served within
 * the default budget, {@link #STATED_SIZE}, in both formats, whatever the rows' health: the worst rows' series are
 * published, every RED row's among them while the rows that are not GREEN fit, and the others are counted in
 * {@code portwatch_rows_omitted}; it stays valid (no duplicate series although every id, process and comment is cut).
 */
class MaxDefinitionsExpositionTest {

    /** The stated size of docs/metrics.md: the default {@code prometheus.maxResponseSize}, 8 MiB. */
    static final long STATED_SIZE = 8L << 20;

    private static final int ROWS = DefinitionsLoader.MAX_ROWS;

    @Test
    void theStatedSizeIsTheDefaultBudget() {
        assertEquals(STATED_SIZE, ExpositionLimits.DEFAULTS.maxBytes());
    }

    @Test
    void allRedRowsFillTheStatedSizeInBothFormatsAndTheRestAreCounted() {
        check("all RED", i -> Health.RED);
    }

    @Test
    void withAFewRedAndYellowRowsAllOfThemArePublishedInBothFormats() {
        Map<String, Integer> kept = check("1/20 RED, 1/20 YELLOW, the rest GREEN",
                i -> i % 20 == 0 ? Health.RED : i % 20 == 1 ? Health.YELLOW : Health.GREEN);
        assertTrue(kept.values().stream().allMatch(n -> n >= 2 * 2 * ROWS / 20), "every RED and YELLOW row: " + kept);
    }

    @Test
    void allGreenRowsFillTheStatedSizeInBothFormats() {
        check("all GREEN", i -> Health.GREEN);
    }

    /** Renders the maximum definitions in {@code health}; checks both formats; returns the rows kept per format. */
    private static Map<String, Integer> check(String mix, IntFunction<Health> health) {
        MonitorState state = MaxDefinitions.state(health);
        int red = 0;
        for (int i = 0; i < ROWS; i++) {
            red += health.apply(i) == Health.RED ? 2 : 0;
        }
        Map<String, Integer> kept = new java.util.HashMap<>();
        for (ExpositionFormat format : ExpositionFormat.values()) {
            long started = System.nanoTime();
            BoundedExposition.Result result = BoundedExposition.render(state, format, new ProcessLabels(false, false),
                    ExpositionLimits.DEFAULTS.maxBytes());
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertNotNull(result.body(), "never 503 for size");
            String body = new String(result.body().toByteArray(), StandardCharsets.UTF_8);
            long size = result.body().length();
            boolean text = format == ExpositionFormat.TEXT;
            Map<String, TextFormat.Family> families = text ? TextFormat.parseText(body)
                    : TextFormat.parseOpenMetrics(body);
            assertNoDuplicateSeries(families);
            List<TextFormat.Sample> info = families.get(text ? "portwatch_row_info" : "portwatch_row").samples();
            List<TextFormat.Sample> reasons = families.get(text ? "portwatch_row_reason_info" : "portwatch_row_reason")
                    .samples();
            System.out.println("max definitions, " + mix + ", " + format + ": " + size + " bytes, " + info.size()
                    + " of " + 2 * ROWS + " rows kept, rendered in " + millis + " ms");
            assertTrue(size <= STATED_SIZE, size + " bytes");
            assertEquals(info.size(), reasons.size(), "a kept row has all its series");
            Map<String, Double> omitted = new java.util.HashMap<>();
            families.get("portwatch_rows_omitted").samples().forEach(s -> omitted.put(s.labels().get("kind"),
                    s.value()));
            for (String kind : List.of("listening", "connection")) {
                long published = info.stream().filter(s -> s.labels().get("kind").equals(kind)).count();
                assertEquals(ROWS - published, omitted.get(kind), kind + " rows left out");
            }
            long redPublished = samples(families, "portwatch_listening_port_health").stream()
                    .filter(s -> s.value() == 2).count() + samples(families, "portwatch_connection_health").stream()
                    .filter(s -> s.value() == 2).count();
            assertEquals(Math.min(red, info.size()), redPublished, "RED rows first");
            assertTrue(info.size() > 0, "the rows that fit are kept");
            families.values().forEach(f -> f.samples().forEach(s -> s.labels().values().forEach(v ->
                    assertTrue(v.length() <= LabelValue.MAX_LENGTH, v))));
            kept.put(format.name(), info.size());
        }
        return kept;
    }

    /** The samples of a family; none when no series of it is published (a family without series is not written). */
    private static List<TextFormat.Sample> samples(Map<String, TextFormat.Family> families, String name) {
        TextFormat.Family f = families.get(name);
        return f == null ? List.of() : f.samples();
    }

    static void assertNoDuplicateSeries(Map<String, TextFormat.Family> families) {
        Set<String> series = new HashSet<>();
        for (TextFormat.Family f : families.values()) {
            for (TextFormat.Sample s : f.samples()) {
                assertTrue(series.add(s.name() + s.labels()), "duplicate series " + s.name() + s.labels());
            }
        }
    }
}
