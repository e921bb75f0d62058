package io.portwatch.jmx;

import java.util.Map;

/** {@code portwatch:type=TcpConnection,name=<id>}: one row of {@code monitoredTcpConnects.csv}. */
@Description("A TCP connection that should be up (one row of monitoredTcpConnects.csv). GREEN: MinCount to MaxCount"
        + " ESTABLISHED; YELLOW: outside those bounds, only opening or closing, or owned by another process; RED: no"
        + " matching socket, only CLOSE_WAIT, or the remote name does not resolve. Values are those of the last scan.")
public interface TcpConnectionMXBean extends RowMXBean {

    @Override
    @Description("NetstatWatcher-style key of the row (tcpConnectOn<HOST>For<proc>To<IP>:<port>), for migrations")
    String getNetstatWatcherKey();

    @Description("Expected remote address; * for any (or when only RemoteName is given)")
    String getRemoteIP();

    @Description("Remote host name whose A/AAAA addresses count as the remote; empty for none")
    String getRemoteName();

    @Description("Expected remote port or port range")
    String getRemotePort();

    @Description("Expected local port or port range; * for any")
    String getLocalPort();

    @Description("Expected owning process name (glob, case-insensitive); * for any")
    String getProcName();

    @Description("Least number of ESTABLISHED connections")
    int getMinCount();

    @Description("Most number of ESTABLISHED connections; -1 for no limit")
    int getMaxCount();

    @Description("ESTABLISHED connections owned by the expected process")
    int getEstablished();

    @Description("Bytes sent and not yet acknowledged by the peer, summed over the ESTABLISHED connections of the"
            + " expected process (Send-Q of ss); -1 when the platform does not tell")
    long getSendQueueBytes();

    @Description("Bytes received and not yet read by the process, summed over the ESTABLISHED connections of the"
            + " expected process (Recv-Q of ss); -1 when the platform does not tell")
    long getReceiveQueueBytes();

    @Description("Smoothed round-trip time of the slowest ESTABLISHED connection of the expected process, seconds;"
            + " -1 when unknown (only the netlink reader measures it)")
    double getRttSeconds();

    @Description("TCP segments sent by the ESTABLISHED connections of the expected process since portwatch first saw"
            + " them (a sum of per-connection deltas: it only grows); -1 when unknown (only the netlink reader)")
    long getSentSegments();

    @Description("TCP segments retransmitted by the same connections, summed likewise; -1 when unknown (only the"
            + " netlink reader)")
    long getRetransmittedSegments();

    @Description("ESTABLISHED connections of the expected process holding unacknowledged data with no"
            + " acknowledgement for longer than stallSeconds; -1 when unknown (only the netlink reader)")
    int getStalledSockets();

    @Description("Matched sockets of the expected process (or of an owner that cannot be seen), by TCP state")
    Map<String, Integer> getSocketsByState();

    @Description("The row's comment")
    String getComment();

    @Description("Where the row is defined (file:line)")
    String getSource();
}
