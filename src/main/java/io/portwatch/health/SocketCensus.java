package io.portwatch.health;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Socket counts per process name and for the whole host. One pass tallies plain int arrays per pid
 * (sockets of one process usually come in runs, so the last pid's tally is reused without a lookup);
 * the few pids are then grouped by name.
 */
final class SocketCensus {

    private static final int PROTOCOLS = Protocol.values().length;
    private static final int STATES = SocketState.values().length;

    private final SocketCounts host;
    private final List<ProcessSockets> processes;

    SocketCensus(Snapshot snapshot) {
        int[][] hostTally = new int[PROTOCOLS][STATES];
        int[][] unknownTally = new int[PROTOCOLS][STATES];
        Map<Integer, int[][]> byPid = new HashMap<>();
        int lastPid = Integer.MIN_VALUE;
        int[][] last = null;
        for (SocketEntry s : snapshot.sockets()) {
            int p = s.protocol().ordinal();
            int st = s.state().ordinal();
            hostTally[p][st]++;
            int pid = s.pid();
            if (pid != lastPid) {
                lastPid = pid;
                last = !s.hasOwner() || !snapshot.processes().containsKey(pid) ? unknownTally
                        : byPid.computeIfAbsent(pid, k -> new int[PROTOCOLS][STATES]);
            }
            last[p][st]++;
        }
        this.host = new SocketCounts.Builder().addAll(hostTally).build();

        Map<String, Group> byName = new TreeMap<>();
        byPid.forEach((pid, tally) -> {
            ProcessInfo info = snapshot.processes().get(pid);
            Group g = byName.computeIfAbsent(info.name(), n -> new Group());
            g.counts.addAll(tally);
            g.byPid.put(pid, new SocketCounts.Builder().addAll(tally).build());
            if (!info.user().isEmpty()) {
                g.users.add(info.user());
            }
        });
        if (total(unknownTally) > 0) {
            byName.computeIfAbsent(ProcessSockets.UNKNOWN, n -> new Group()).counts.addAll(unknownTally);
        }
        List<ProcessSockets> list = new ArrayList<>(byName.size());
        byName.forEach((name, g) -> list.add(new ProcessSockets(name, List.copyOf(g.byPid.keySet()),
                List.copyOf(g.users), g.counts.build(), g.byPid)));
        this.processes = List.copyOf(list);
    }

    private static int total(int[][] tally) {
        int n = 0;
        for (int[] row : tally) {
            for (int v : row) {
                n += v;
            }
        }
        return n;
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
