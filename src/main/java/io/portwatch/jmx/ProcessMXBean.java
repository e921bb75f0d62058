package io.portwatch.jmx;

import java.util.Map;

/**
 * {@code portwatch:type=Process,name=<process name>}: the sockets of every process sharing one name, or
 * of the {@code unknown} / {@code other} bucket.
 */
@Description("The sockets of every process with this name ('unknown' for sockets whose owner cannot be seen,"
        + " 'other' for the names beyond processes.max summed), counted by protocol and state at the last scan")
public interface ProcessMXBean {

    @Description("The process name as published: 'unknown' and 'other' are the buckets, a process really named"
            + " so shows with a '_' added")
    String getName();

    @Description("Process ids seen with this name, ascending")
    int[] getPids();

    @Description("Users those processes run as, sorted")
    String[] getUsers();

    @Description("All sockets of these processes")
    int getTotal();

    @Description("TCP sockets by state (states with none left out)")
    Map<String, Integer> getTcpByState();

    @Description("UDP sockets by state: UNCONN bound and unconnected, ESTABLISHED connected")
    Map<String, Integer> getUdpByState();

    @Description("Listening sockets: TCP in LISTEN plus UDP bound and unconnected")
    int getListening();

    @Description("TCP sockets in ESTABLISHED")
    int getEstablished();

    @Description("TCP sockets in TIME_WAIT")
    int getTimeWait();

    @Description("TCP sockets in CLOSE_WAIT (the peer closed, this side did not)")
    int getCloseWait();
}
