package io.portwatch.jmx;

/** What the ListeningPort and TcpConnection MBeans share: one evaluated row of a definitions file. */
public interface RowMXBean {

    @Description("The row's id: the id column, or derived from the row's own fields")
    String getId();

    @Description("Health code: 0 GREEN, 1 YELLOW, 2 RED. A change sends a jmx.attribute.change notification")
    int getHealth();

    @Description("Health: GREEN, YELLOW or RED")
    String getHealthName();

    @Description("Why the row has this health, in one line")
    String getReason();

    @Description("When the row was tested: the time of the scan (ISO-8601 UTC)")
    String getTestedAt();

    @Description("critical or warning: how bad it is when the row is not GREEN")
    String getSeverity();

    @Description("Sockets the row matched, on any owner, as 'tcp LOCAL -> REMOTE STATE pid PID'")
    String[] getMatchedSockets();

    @Description("The network namespace of each matched socket, in the order of MatchedSockets (host for portwatch's own)")
    String[] getMatchedNetns();

    @Description("NetstatWatcher-style key of the row, for migrations")
    String getNetstatWatcherKey();
}
