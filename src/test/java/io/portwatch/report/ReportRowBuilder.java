package io.portwatch.report;

/** A {@link ReportRow} with named fields, each defaulted to "missing" (empty, port 0, pid -1), for the report tests. */
final class ReportRowBuilder {

    String time = "";
    String event = "";
    String protocol = "";
    String localAddress = "";
    int localPort;
    String remoteAddress = "";
    int remotePort;
    String state = "";
    int pid = -1;
    String process = "";
    String user = "";
    String exePath = "";
    String modules = "";

    ReportRow build() {
        return new ReportRow("test.csv", 2, time, event, protocol, localAddress, localPort, remoteAddress, remotePort, state,
                pid, process, user, exePath, modules);
    }
}
