package io.portwatch.prometheus;

import java.util.Set;

/**
 * The definitions rows whose per-row series one rendering of {@code /metrics} publishes: every row, or the rows
 * {@link ExpositionEstimate#select} chose worst health first when all of them would not fit the byte budget (rule 2
 * of docs/design.md §5). The rows left out are counted by kind in {@code portwatch_rows_omitted}.
 *
 * @param kept               the keys of the rows published, or null for every row
 * @param omittedListening   listening rows left out
 * @param omittedConnections connection rows left out
 * @param omittedAllGreen    true when every row left out is GREEN
 */
record RowSelection(Set<RowSelection.Key> kept, int omittedListening, int omittedConnections, boolean omittedAllGreen) {

    /** Every row published, none omitted. */
    static final RowSelection ALL = new RowSelection(null, 0, 0, true);

    static final String LISTENING = "listening";
    static final String CONNECTION = "connection";

    RowSelection {
        kept = kept == null ? null : Set.copyOf(kept);
    }

    /**
     * The key of a row: its kind and id (rows of one kind and id share their series); it holds the row's own id, never
     * a copy, so that the keys of the largest definitions cost no more than the references.
     */
    record Key(String kind, String id) {
    }

    /** Whether the series of the row of {@code kind} and {@code id} are published. */
    boolean keeps(String kind, String id) {
        return kept == null || kept.contains(new Key(kind, id));
    }

    /** Rows left out, of both kinds. */
    int omitted() {
        return omittedListening + omittedConnections;
    }
}
