package io.portwatch.prometheus;

import io.portwatch.config.DefinitionsLoader;
import io.portwatch.state.MonitorState;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 2 of docs/design.md §5: what rows put into {@code /metrics} is bounded as a whole. The exposition of the
 * largest state definitions can make ({@link MaxDefinitions}) stays under
 * {@link ExpositionLimits#MAX_DEFINITIONS_EXPOSITION} in both formats and has no duplicate series although every id,
 * process and comment is cut.
 */
class MaxDefinitionsExpositionTest {

    private static MonitorState state;

    @BeforeAll
    static void build() {
        state = MaxDefinitions.state();
    }

    @Test
    void bothFormatsOfTheMaximumDefinitionsStayUnderTheStatedSizeAndKeepEveryRowsOwnSeries() {
        for (String accept : new String[] {null, Exposition.OPENMETRICS}) {
            long started = System.nanoTime();
            String body = Exposition.render(state, false, accept);
            long size = body.getBytes(StandardCharsets.UTF_8).length;
            System.out.println("max definitions, " + (accept == null ? "text" : "OpenMetrics") + ": " + size
                    + " bytes, rendered in " + (System.nanoTime() - started) / 1_000_000 + " ms");
            assertTrue(size <= ExpositionLimits.MAX_DEFINITIONS_EXPOSITION, size + " bytes");
            assertTrue(ExpositionEstimate.lowerBound(state) <= size, "the estimate is a lower bound");
            Map<String, TextFormat.Family> families = accept == null
                    ? TextFormat.parseText(body) : TextFormat.parseOpenMetrics(body);
            assertNoDuplicateSeries(families);
            int rows = 2 * DefinitionsLoader.MAX_ROWS;
            assertEquals(rows, families.get(accept == null ? "portwatch_row_info" : "portwatch_row").samples().size(), "one portwatch_row_info per row, none merged");
            assertEquals(rows, families.get(accept == null ? "portwatch_row_reason_info" : "portwatch_row_reason").samples().size());
            families.values().forEach(f -> f.samples().forEach(s -> s.labels().values().forEach(v ->
                    assertTrue(v.length() <= LabelValue.MAX_LENGTH, v))));
        }
    }

    @Test
    void withTheDefaultBudgetTheMaximumDefinitionsAreRefusedBeforeTheirSnapshotsAreBuilt() {
        long estimate = ExpositionEstimate.lowerBound(state);
        System.out.println("max definitions, lower bound: " + estimate + " bytes");
        assertTrue(estimate > ExpositionLimits.DEFAULTS.maxBytes(), estimate + " bytes");
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
