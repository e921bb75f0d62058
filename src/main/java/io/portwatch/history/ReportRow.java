package io.portwatch.history;

/**
 * One row of any input of {@code report}, in one shape; reused from row to row (the reader streams).
 * Missing values are empty strings, ports 0, pid -1.
 */
final class ReportRow {
    /** Time as written, normalised to {@code 2026-11-22T10:15:30.123Z} when it could be read; "" when not. */
    String time = "";
    /** {@code open}, {@code close}, {@code state}, {@code listen}, {@code unlisten}, {@code initial} or {@code logged}. */
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
    /** File name and line, for flagged rows. */
    String file = "";
    long line;

    boolean hasRemote() {
        return remotePort != 0 && !remoteAddress.isEmpty() && !remoteAddress.equals("0.0.0.0") && !remoteAddress.equals("::")
                && !remoteAddress.equals("*");
    }
}
