package io.portwatch.state;

/**
 * What the activity log has done so far (issue: history), as the agent MBean and metrics show it.
 *
 * @param enabled       whether {@code history.dir} is set
 * @param eventsWritten rows written to the events file
 * @param writeFailures rows of any history file that could not be written
 */
public record HistoryStats(boolean enabled, long eventsWritten, long writeFailures) {

    /** No history configured. */
    public static final HistoryStats OFF = new HistoryStats(false, 0, 0);
}
