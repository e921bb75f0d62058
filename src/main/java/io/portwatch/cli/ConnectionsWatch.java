package io.portwatch.cli;

import io.portwatch.history.ChangeTracker;
import io.portwatch.history.SocketEvent;
import io.portwatch.scan.Snapshot;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * {@code connections --watch}: scans again every interval until interrupted (or, for tests, a number of scans),
 * prints each change and, with {@code --log}, appends the sockets whenever they change. A scan that fails is said on
 * stderr and tried again at the next interval.
 */
record ConnectionsWatch(ConnectionsScan scan, int seconds, long scans, Optional<ConnectionsLogAppender> log) {

    /** Watches from the first snapshot, already printed. */
    void run(Snapshot first, PrintWriter out, PrintWriter err) {
        err.println("watching every " + seconds + " s; Ctrl-C stops");
        err.flush();
        ChangeTracker tracker = new ChangeTracker();
        tracker.next(first);
        for (long n = 0; n < scans; n++) {
            try {
                Thread.sleep(seconds * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Snapshot snapshot;
            try {
                snapshot = scan.next();
            } catch (Exception e) {
                err.println("cannot scan sockets: " + e.getMessage() + "; trying again in " + seconds + " s");
                err.flush();
                continue;
            }
            List<SocketEvent> changes = tracker.next(snapshot);
            if (changes.isEmpty()) {
                continue;
            }
            changes.forEach(e -> out.println(e.describe()));
            out.flush();
            log.ifPresent(l -> l.append(snapshot));
        }
    }
}
