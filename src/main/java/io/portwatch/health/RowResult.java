package io.portwatch.health;

import io.portwatch.config.Severity;
import io.portwatch.scan.SocketEntry;

import java.time.Instant;
import java.util.List;

/** What every evaluated row tells: listening ports and connections alike. */
public interface RowResult {

    /** The row's id. */
    String id();

    /** The case that decided the health: its fixed text is the metric label, never {@link #reason()}. */
    ReasonCode reasonCode();

    /** The health of {@link #reasonCode()}. */
    default Health health() {
        return reasonCode().health();
    }

    /**
     * One line saying why, with pids, counts and addresses, e.g.
     * {@code tcp/22 is owned by nginx (pid 812), expected sshd}; for JMX, Jolokia, {@code check} and the
     * log, not for metric labels.
     */
    String reason();

    /** When it was tested (the snapshot's time). */
    Instant testedAt();

    /** The sockets the row matched (on any owner). */
    List<SocketEntry> matched();

    /** The NetstatWatcher-style key, e.g. {@code tcpConnectOnweb01ForjavaTo10.0.0.5:1433}. */
    String netstatWatcherKey();

    Severity severity();
}
