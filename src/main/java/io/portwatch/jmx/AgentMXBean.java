package io.portwatch.jmx;

/** {@code portwatch:type=Agent}: the monitor itself, its scans, its definitions and the overall health. */
@Description("portwatch: the monitor, its scans and definitions, and the overall health of the expected ports and"
        + " connections. Values are those of the last scan; reading never triggers a scan.")
public interface AgentMXBean {

    @Description("This host's name, as matched against the definitions' host column")
    String getHost();

    @Description("portwatch's version")
    String getVersion();

    @Description("The socket source scanning this host (linux, windows, macos)")
    String getSource();

    @Description("How the Linux source reads the own namespace's sockets: netlink or proc (scan.reader, after any"
            + " fallback); empty on other systems")
    String getSocketReader();

    @Description("Seconds between two scans")
    long getIntervalSeconds();

    @Description("When the monitor started (ISO-8601 UTC)")
    String getStartedAt();

    @Description("Start of the last successful scan (ISO-8601 UTC); empty before the first")
    String getLastScanTime();

    @Description("Duration of the last scan, successful or not, in milliseconds")
    long getLastScanDurationMillis();

    @Description("Sockets the last successful scan saw on the host, of every owner and namespace; 0 before the first")
    int getSockets();

    @Description("Scans attempted since the monitor started")
    long getScanCount();

    @Description("Scans that failed since the monitor started")
    long getScanFailures();

    @Description("Scans that took longer than the interval (the next one was delayed)")
    long getScanOverruns();

    @Description("Connections the host's TCP listeners could not take because their accept queue was full, since"
            + " boot (Linux ListenOverflows, as of the last scan); -1 when unknown")
    long getListenOverflows();

    @Description("Connections dropped by the host's TCP listeners for any reason, overflows included, since boot"
            + " (Linux ListenDrops, as of the last scan); -1 when unknown")
    long getListenDrops();

    @Description("Why the last scan failed; empty when it did not")
    String getLastScanError();

    @Description("Rows written to the activity log's events file (0 when history.dir is not set)")
    long getHistoryEventsWritten();

    @Description("Rows of any activity log file that could not be written (full disk, unwritable directory)")
    long getHistoryWriteFailures();

    @Description("True when the last scan failed: the row results are those of the last successful scan")
    boolean isStale();

    @Description("Listening-port rows in force for this host")
    int getListeningDefinitions();

    @Description("Connection rows in force for this host")
    int getConnectionDefinitions();

    @Description("Problems of the last definitions load (file:line, column, value); when not empty the files on"
            + " disk are not in force and the last good definitions are")
    String[] getConfigErrors();

    @Description("Definitions reloads that succeeded")
    long getConfigReloads();

    @Description("Definitions reloads that failed (the last good definitions stayed in force)")
    long getConfigReloadFailures();

    @Description("Rows (listening ports and connections) that are GREEN")
    int getGreenCount();

    @Description("Rows (listening ports and connections) that are YELLOW")
    int getYellowCount();

    @Description("Rows (listening ports and connections) that are RED")
    int getRedCount();

    @Description("Worst health of all rows: 0 GREEN, 1 YELLOW, 2 RED; 0 without rows; -1 before the first scan")
    int getWorstHealth();

    @Description("Worst health of all rows: GREEN, YELLOW or RED; NOT_SCANNED before the first scan")
    String getWorstHealthName();

    @Description("Scan now, as soon as the scan thread is free; returns at once; a call while one is pending"
            + " queues nothing")
    void scanNow();

    @Description("Read both definitions files again, changed or not, then scan; a file with problems keeps its"
            + " last good rows (see ConfigErrors); returns at once; a call while one is pending queues nothing")
    void reloadDefinitions();
}
