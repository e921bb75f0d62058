package io.portwatch.cli;

import io.portwatch.scan.Snapshot;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** {@code connections --format}: which renderer prints the listing. */
enum ConnectionsFormat {
    TABLE, JSON, CSV;

    /** The format the option names, spelled in lower case as the help says; empty for any other text. */
    static Optional<ConnectionsFormat> of(String text) {
        return Arrays.stream(values()).filter(f -> f.name().toLowerCase(Locale.ROOT).equals(text)).findFirst();
    }

    void print(Snapshot snapshot, PrintWriter out) {
        switch (this) {
            case JSON -> ConnectionsJson.print(snapshot, out);
            case CSV -> ConnectionsCsv.print(snapshot, out);
            case TABLE -> ConnectionsTable.print(snapshot, out);
        }
    }
}
