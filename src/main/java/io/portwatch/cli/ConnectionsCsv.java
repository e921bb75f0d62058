package io.portwatch.cli;

import io.portwatch.scan.Snapshot;
import io.portwatch.text.Csv;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Map;

/**
 * {@code connections --format=csv}: a header line of the {@link SocketRecords} columns and one line per socket in
 * portwatch's CSV dialect ({@link Csv}), CRLF-terminated on stdout as RFC 4180 says; unknown is empty.
 */
final class ConnectionsCsv {

    private ConnectionsCsv() {
    }

    static void print(Snapshot snapshot, PrintWriter out) {
        out.print(Csv.record(SocketRecords.COLUMNS) + "\r\n");
        for (Map<String, Object> r : SocketRecords.of(snapshot)) {
            out.print(Csv.record(new ArrayList<>(r.values())) + "\r\n");
        }
    }

    /** One field as {@link Csv} quotes it (for the tests of this output). */
    static String field(String value) {
        return Csv.field(value);
    }
}
