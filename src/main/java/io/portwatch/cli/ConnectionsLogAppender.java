package io.portwatch.cli;

import io.portwatch.history.ConnectionsLog;
import io.portwatch.scan.Snapshot;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/** {@code connections --log}: appends the listed sockets to a Log-Connections CSV, or says on stderr why it cannot. */
record ConnectionsLogAppender(Path file, PrintWriter err) {

    /** Appends the snapshot's sockets at its time; false (and one line on stderr) when the file cannot be written. */
    boolean append(Snapshot snapshot) {
        try {
            ConnectionsLog.append(file, snapshot.takenAt(), snapshot.sockets(), snapshot);
            return true;
        } catch (IOException e) {
            String why = e instanceof FileSystemException || e.getMessage() == null
                    ? e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()) : e.getMessage();
            err.println("cannot write " + file + ": " + why);
            err.flush();
            return false;
        }
    }
}
