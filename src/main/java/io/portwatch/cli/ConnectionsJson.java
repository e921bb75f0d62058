package io.portwatch.cli;

import io.portwatch.scan.Snapshot;
import io.portwatch.text.Json;

import java.io.PrintWriter;

/** {@code connections --format=json}: one array, an object per socket with every column of {@link SocketRecords}. */
final class ConnectionsJson {

    private ConnectionsJson() {
    }

    static void print(Snapshot snapshot, PrintWriter out) {
        out.println(Json.write(SocketRecords.of(snapshot)));
    }
}
