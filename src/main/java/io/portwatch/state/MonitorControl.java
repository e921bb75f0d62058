package io.portwatch.state;

/**
 * What an operator may ask of the running monitor (the Agent MBean's operations). Requests coalesce:
 * at most one is pending, and a call while one is pending returns at once and queues nothing, so a
 * burst of calls (a bulk request of thousands) costs at most one more scan.
 */
public interface MonitorControl {

    /** Asks for a scan as soon as the scan thread is free; returns at once. */
    void scanNow();

    /**
     * Asks for both definitions files to be read again, changed or not, and a scan, as soon as the
     * scan thread is free; returns at once. A file with problems keeps its last good rows.
     */
    void reloadDefinitions();
}
