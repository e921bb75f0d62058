package io.portwatch.report;

import java.util.List;
import java.util.Map;

/**
 * The statistics of {@code report} (Port Reporter Parser's): what was read, usage by local port,
 * process, remote address, user and hour of day, and the flagged records. Immutable.
 *
 * <p>Usage counts <em>connections seen</em>, not rows: an {@code open} or {@code listen} event, a row of
 * a snapshot file ({@code initial}), and a row of a Log-Connections CSV whose socket was not in that
 * file's previous snapshot ({@code logged}). {@code close}, {@code state} and {@code unlisten} events
 * are counted by kind only.
 *
 * @param files        the inputs, in the order read
 * @param rows         data rows read
 * @param connections  connections seen (the usage counts add up to this)
 * @param firstTime    earliest time of any row, "" when none
 * @param lastTime     latest time of any row, "" when none
 * @param rowsByKind   rows by kind: {@code open, close, state, listen, unlisten} (events files),
 *                     {@code initial} (snapshot files), {@code logged} and {@code logged again}
 *                     (Log-Connections CSVs: new and repeated sockets), {@code process} (process files);
 *                     kinds with no rows are left out
 * @param localPorts   connections by protocol and local port, most first
 * @param processes    connections by process name, most first ({@code (unknown)} when the owner was not seen)
 * @param remotes      connections by remote address (connected sockets only), most first; the detail is
 *                     the reverse DNS name with {@code --resolve}
 * @param users        connections by user, most first
 * @param byHour       connections by UTC hour of day, 24 entries
 * @param criteria     the flag criteria in force
 * @param flaggedTotal connections flagged
 * @param flaggedBy    flagged connections by criterion
 * @param flagged      the flagged connections, the first {@code --max-flagged} of them
 * @param notes        what the reader should know (approximate counts, unreadable rows)
 */
public record Report(List<String> files, long rows, long connections, String firstTime, String lastTime,
                     Map<String, Long> rowsByKind, List<PortCount> localPorts, List<Count> processes, List<Count> remotes,
                     List<Count> users, List<Long> byHour, List<String> criteria, long flaggedTotal,
                     Map<String, Long> flaggedBy, List<Flagged> flagged, List<String> notes) {

    public Report {
        files = List.copyOf(files);
        rowsByKind = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsByKind));
        localPorts = List.copyOf(localPorts);
        processes = List.copyOf(processes);
        remotes = List.copyOf(remotes);
        users = List.copyOf(users);
        byHour = List.copyOf(byHour);
        criteria = List.copyOf(criteria);
        flaggedBy = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(flaggedBy));
        flagged = List.copyOf(flagged);
        notes = List.copyOf(notes);
        if (byHour.size() != 24) {
            throw new IllegalArgumentException("byHour needs 24 entries");
        }
    }

    /**
     * Connections on one local port.
     *
     * @param flagged true when a port criterion covers it
     */
    public record PortCount(String protocol, int port, long count, boolean flagged) {
    }

    /**
     * Connections of one process, remote address or user.
     *
     * @param detail  the reverse DNS name of a remote address ({@code --resolve}), else ""
     * @param flagged true when a criterion names it
     */
    public record Count(String name, String detail, long count, boolean flagged) {
    }

    /**
     * One flagged connection.
     *
     * @param source  {@code file:line}
     * @param reasons why it is flagged, one per matching criterion
     */
    public record Flagged(String source, String time, String event, String protocol, String local, String remote,
                          String state, String pid, String process, String user, String exePath, List<String> reasons) {
        public Flagged {
            reasons = List.copyOf(reasons);
        }
    }

    /** {@code 12.5%} of the connections. */
    public String percent(long count) {
        return connections == 0 ? "0.0%" : String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * count / connections);
    }
}
