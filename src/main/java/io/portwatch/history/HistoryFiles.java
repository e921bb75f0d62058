package io.portwatch.history;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.SocketEntry;
import io.portwatch.support.Times;
import io.portwatch.text.Printable;

import java.time.Instant;
import java.util.List;

/**
 * Names and columns of the files in {@code history.dir}. Every file is CSV (RFC 4180 quoting, LF line
 * ends, UTF-8) with one header line; times are UTC ISO-8601 with milliseconds, always 24 characters
 * ({@code 2026-11-22T10:15:30.123Z}), so that they sort as text. An unknown pid, process, user or path
 * is an empty field. Every text field (process name, user, path, command line, modules) is written printable
 * ({@link Printable}: a control character as {@code \xHH}), so a row is always one line of the file, whatever a
 * process puts in its name or command line; quoting stays RFC 4180's.
 */
public final class HistoryFiles {

    /** The events file: one row per change. */
    public static final String EVENTS = "portwatch-events";
    /** The snapshot file: every socket with its owner when the log starts (Port Reporter's INITIAL log). */
    public static final String SNAPSHOT = "portwatch-snapshot";
    /**
     * The process file: each process the first time it shows up, owning a socket at start or in an event
     * (Port Reporter's PIDS log).
     */
    public static final String PROCESSES = "portwatch-processes";
    /** Extension of every file; rotated files are {@code NAME-yyyyMMdd'T'HHmmss'Z'[-N].csv}. */
    public static final String EXTENSION = ".csv";

    /** Columns of the events file. {@code previousState} is given for {@code state} events only. */
    public static final List<String> EVENT_COLUMNS = List.of("time", "event", "protocol", "localAddress", "localPort",
            "remoteAddress", "remotePort", "state", "previousState", "pid", "process", "user", "exePath");
    /** Columns of the snapshot file. */
    public static final List<String> SNAPSHOT_COLUMNS = List.of("time", "protocol", "localAddress", "localPort",
            "remoteAddress", "remotePort", "state", "pid", "process", "user", "exePath");
    /**
     * Columns of the process file. {@code modules} holds the distinct paths of the shared objects and
     * jars the process has loaded, sorted, separated by {@code ;}.
     */
    public static final List<String> PROCESS_COLUMNS = List.of("time", "pid", "process", "user", "startTime",
            "exePath", "commandLine", "modules");

    /** Separator of the paths in the {@code modules} column. */
    public static final String MODULE_SEPARATOR = ";";

    private HistoryFiles() {
    }

    /** {@code 2026-11-22T10:15:30.123Z}: UTC, always with milliseconds. */
    public static String formatTime(Instant time) {
        return Times.iso(time);
    }

    static String eventRow(SocketEvent e) {
        SocketEntry s = e.socket();
        ProcessInfo p = e.process();
        return Csv.line(formatTime(e.time()), e.type().label(), s.protocol().label(), Addresses.format(s.localAddress()),
                s.localPort(), Addresses.format(s.remoteAddress()), s.remotePort(), s.state(),
                e.previousState() == null ? "" : e.previousState(), s.hasOwner() ? Integer.toString(s.pid()) : "",
                p == null ? "" : text(p.name()), p == null ? "" : text(p.user()), p == null ? "" : text(p.exePath()));
    }

    static String snapshotRow(Instant time, SocketEntry s, ProcessInfo p) {
        return Csv.line(formatTime(time), s.protocol().label(), Addresses.format(s.localAddress()), s.localPort(),
                Addresses.format(s.remoteAddress()), s.remotePort(), s.state(),
                s.hasOwner() ? Integer.toString(s.pid()) : "", p == null ? "" : text(p.name()),
                p == null ? "" : text(p.user()), p == null ? "" : text(p.exePath()));
    }

    static String processRow(Instant time, ProcessInfo p, List<String> modules) {
        return Csv.line(formatTime(time), p.pid(), text(p.name()), text(p.user()),
                p.startedAt() == null ? "" : formatTime(p.startedAt()), text(p.exePath()), text(p.commandLine()),
                text(String.join(MODULE_SEPARATOR, modules)));
    }

    /** Untrusted text as it may go into a file: printable, never a line break of its own. */
    static String text(String untrusted) {
        return Printable.of(untrusted);
    }
}
