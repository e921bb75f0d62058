package io.portwatch.health;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Socket counts per process name and for the whole host. The index's one pass over the snapshot
 * tallies plain int arrays per pid ({@link #count}, {@link PidTallies}); the few pids are then
 * grouped by name.
 */
final class SocketCensus {

    private static final int PROTOCOLS = Protocol.values().length;
    private static final int STATES = SocketState.values().length;

    private final SocketCounts host;
    private final List<ProcessSockets> processes;

    /** Tallies one socket; {@link #SocketCensus(Snapshot, int[], PidTallies)} takes the results. */
    static void count(SocketEntry s, int[] hostTally, PidTallies byPid) {
        int column = s.protocol().ordinal() * STATES + s.state().ordinal();
        hostTally[column]++;
        byPid.add(s.pid(), column, 1);
    }

    /** A host tally for {@link #count}. */
    static int[] newHostTally() {
        return new int[PROTOCOLS * STATES];
    }

    /** Per-pid tallies for {@link #count}. */
    static PidTallies newPidTallies() {
        return new PidTallies(PROTOCOLS * STATES);
    }

    /** The census of the sockets {@link #count}ed into {@code hostTally} and {@code byPid}. */
    SocketCensus(Snapshot snapshot, int[] hostTally, PidTallies byPid) {
        this.host = new SocketCounts.Builder().addAll(hostTally).build();

        Map<String, Group> byName = new TreeMap<>();
        int[] unknownTally = new int[PROTOCOLS * STATES];
        boolean unknown = false;
        for (int i = 0; i < byPid.size(); i++) {
            int pid = byPid.pid(i);
            ProcessInfo info = pid == SocketEntry.UNKNOWN_PID ? null : snapshot.processes().get(pid);
            int[] tally = byPid.counts(i);
            if (info == null) {
                for (int c = 0; c < tally.length; c++) {
                    unknownTally[c] += tally[c];
                }
                unknown = true;
                continue;
            }
            Group g = byName.computeIfAbsent(info.name(), n -> new Group());
            g.counts.addAll(tally);
            g.byPid.put(pid, new SocketCounts.Builder().addAll(tally).build());
            if (!info.user().isEmpty()) {
                g.users.add(info.user());
            }
        }
        if (unknown) {
            byName.computeIfAbsent(ProcessSockets.UNKNOWN, n -> new Group()).counts.addAll(unknownTally);
        }
        List<ProcessSockets> list = new ArrayList<>(byName.size());
        byName.forEach((name, g) -> list.add(new ProcessSockets(name, List.copyOf(g.byPid.keySet()),
                List.copyOf(g.users), g.counts.build(), g.byPid)));
        this.processes = List.copyOf(list);
    }

    SocketCounts host() {
        return host;
    }

    List<ProcessSockets> processes() {
        return processes;
    }

    private static final class Group {
        final SocketCounts.Builder counts = new SocketCounts.Builder();
        final TreeMap<Integer, SocketCounts> byPid = new TreeMap<>();
        final TreeSet<String> users = new TreeSet<>();
    }
}
