package io.portwatch.report;

/**
 * One row of any input of {@code report}, in one shape. Missing values are empty strings, ports 0, pid -1.
 *
 * @param file    the file's name, for flagged rows
 * @param line    the row's line in it
 * @param time    time as written, normalised to {@code 2026-11-22T10:15:30.123Z} when it could be read; "" when not
 * @param event   what the row is: {@code open}, {@code close}, {@code state}, {@code listen}, {@code unlisten} or
 *                {@code other} (events files), {@code initial} (snapshot files), {@code logged} or
 *                {@code logged again} (Log-Connections CSVs: a socket new to, or still in, the file's previous
 *                snapshot), {@code process} (process files)
 * @param modules the {@code modules} column of a process file, "" elsewhere
 */
record ReportRow(String file, long line, String time, String event, String protocol, String localAddress, int localPort,
                 String remoteAddress, int remotePort, String state, int pid, String process, String user, String exePath,
                 String modules) {

    /** A connected socket: it has a remote address and port. */
    boolean hasRemote() {
        return remotePort != 0 && !remoteAddress.isEmpty() && !remoteAddress.equals("0.0.0.0") && !remoteAddress.equals("::")
                && !remoteAddress.equals("*");
    }
}
