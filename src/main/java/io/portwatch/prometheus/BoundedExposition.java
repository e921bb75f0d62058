package io.portwatch.prometheus;

import io.portwatch.state.MonitorState;

import java.io.IOException;
import java.util.List;

/**
 * Renders a state's exposition within a byte budget by construction (rule 2 of docs/design.md §5): the fixed part
 * (build, scan, configuration and socket metrics, bounded by {@code processes.max}) always, and the per-row series of
 * as many rows as surely fit, worst health first ({@link ExpositionEstimate}); the others are counted in
 * {@code portwatch_rows_omitted}. Only the kept rows' snapshots are built. The budgeted stream stays the safety net:
 * should a rendering still pass the budget, it is retried with half the rows, at most {@value #RETRIES} times.
 */
final class BoundedExposition {

    /** Renderings with fewer rows after one that passed the budget. */
    static final int RETRIES = 2;

    /**
     * One rendering.
     *
     * @param body the bytes, or null when even the fixed part, or every retry, passed the budget
     * @param rows the rows published
     */
    record Result(ExpositionBody body, RowSelection rows) {
    }

    private BoundedExposition() {
    }

    static Result render(MonitorState state, ExpositionFormat format, ProcessLabels labels, long maxBytes) {
        List<ExpositionEstimate.RowCost> rows = ExpositionEstimate.rows(state);
        RowSelection none = ExpositionEstimate.first(rows, 0);
        long fixed;
        try {
            fixed = write(state, format, labels, none, maxBytes, ExpositionBody.SLICE).length();
        } catch (ExpositionBody.TooLarge e) {
            return new Result(null, none);
        }
        RowSelection selection = ExpositionEstimate.select(rows, maxBytes - fixed);
        for (int attempt = 0; ; attempt++) {
            try {
                long expected = fixed + ExpositionEstimate.total(kept(rows, selection));
                return new Result(write(state, format, labels, selection, maxBytes, expected), selection);
            } catch (ExpositionBody.TooLarge e) {
                int kept = selection.kept() == null ? rows.size() : selection.kept().size();
                if (attempt == RETRIES || kept == 0) {
                    return new Result(null, selection);
                }
                selection = ExpositionEstimate.first(rows, kept / 2);
            }
        }
    }

    /** The rows {@code selection} keeps: the first ones of {@code rows}. */
    private static List<ExpositionEstimate.RowCost> kept(List<ExpositionEstimate.RowCost> rows,
                                                         RowSelection selection) {
        return selection.kept() == null ? rows : rows.subList(0, selection.kept().size());
    }

    private static ExpositionBody write(MonitorState state, ExpositionFormat format, ProcessLabels labels,
                                        RowSelection rows, long maxBytes, long expected)
            throws ExpositionBody.TooLarge {
        ExpositionBody.Budgeted out = new ExpositionBody.Budgeted(maxBytes, expected);
        try {
            format.writer().write(out, PortwatchCollector.snapshots(state, labels, rows));
        } catch (ExpositionBody.TooLarge e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("rendering into memory failed", e);
        }
        return out.body();
    }
}
