package io.portwatch.jmx;

/** {@code portwatch:type=ListeningPort,name=<id>}: one row of {@code monitoredListeningPorts.csv}. */
@Description("A port that should be listening (one row of monitoredListeningPorts.csv). GREEN: listening as"
        + " expected; YELLOW: there, but on another address, owned by another or an unseen process, or not accepting"
        + " (every listener's accept queue full); RED: nothing listens. Values are those of the last scan.")
public interface ListeningPortMXBean extends RowMXBean {

    @Override
    @Description("NetstatWatcher-style key of the row (tcpListenOn<HOST>For<proc>At<IP>:<port>, udpListenOn... for"
            + " udp), for migrations")
    String getNetstatWatcherKey();

    @Description("tcp or udp")
    String getProtocol();

    @Description("Expected local address; * for any")
    String getLocalIP();

    @Description("Expected port or port range (8000-8010)")
    String getLocalPort();

    @Description("Expected owning process name (glob, case-insensitive); * for any")
    String getProcName();

    @Description("The row's comment")
    String getComment();

    @Description("Where the row is defined (file:line)")
    String getSource();

    @Description("Owning process ids of the matched sockets, ascending (owners that cannot be seen left out)")
    int[] getMatchedPids();

    @Description("Connections waiting in the accept queues of the row's TCP listeners, summed (Recv-Q of ss -ltn);"
            + " more than Backlog on every listener is YELLOW, not accepting; -1 when unknown or none")
    int getAcceptQueue();

    @Description("Backlog (accept queue limit) of the row's TCP listeners, summed (Send-Q of ss -ltn); -1 when"
            + " unknown or none")
    int getBacklog();
}
