package io.portwatch.health;

import io.portwatch.config.Severity;
import io.portwatch.scan.SocketEntry;

import java.time.Instant;
import java.util.List;

/** What every evaluated row tells: listening ports and connections alike. */
public interface RowResult {

    /** The row's id. */
    String id();

    Health health();

    /** One line saying why, e.g. {@code tcp/22 is owned by nginx (pid 812), expected sshd}. */
    String reason();

    /** When it was tested (the snapshot's time). */
    Instant testedAt();

    /** The sockets the row matched (on any owner). */
    List<SocketEntry> matched();

    /** The NetstatWatcher-style key, e.g. {@code tcpConnectOnweb01ForjavaTo10.0.0.5:1433}. */
    String netstatWatcherKey();

    Severity severity();
}
