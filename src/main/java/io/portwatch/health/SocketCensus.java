package io.portwatch.health;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Socket counts per process name and for the whole host. The index's one pass over the snapshot
 * tallies plain int arrays per namespace and pid ({@link #count}, {@link NetnsTallies}); the few pids are then
 * grouped by name, and the names beyond the cap summed as {@value ProcessSockets#OTHER}, so that the
 * Process MBeans and {@code portwatch_process_sockets} series both follow from one bounded list. Each name's
 * counts are also kept per namespace name (for {@code prometheus.netnsLabel}); the cap counts names, never
 * namespaces.
 */
final class SocketCensus {

    private static final int PROTOCOLS = Protocol.values().length;
    private static final int STATES = SocketState.values().length;

    private final SocketCounts host;
    private final List<ProcessSockets> processes;

    /** Tallies one socket; {@link #SocketCensus(Snapshot, int[], NetnsTallies, int)} takes the results. */
    static void count(SocketEntry s, int[] hostTally, NetnsTallies byNetnsAndPid) {
        int column = s.protocol().ordinal() * STATES + s.state().ordinal();
        hostTally[column]++;
        byNetnsAndPid.add(s.netns(), s.pid(), column);
    }

    /** A host tally for {@link #count}. */
    static int[] newHostTally() {
        return new int[PROTOCOLS * STATES];
    }

    /** Per-namespace, per-pid tallies for {@link #count}. */
    static NetnsTallies newNetnsTallies() {
        return new NetnsTallies(PROTOCOLS * STATES);
    }

    /**
     * The census of the sockets {@link #count}ed into {@code hostTally} and {@code byPid}, with at most
     * {@code processesMax} names ({@value ProcessSockets#UNKNOWN} included, always kept): when there are
     * more, the names with the most sockets are kept (ties: the name first in {@link String#compareTo}
     * order) and the rest are summed as {@value ProcessSockets#OTHER}.
     */
    SocketCensus(Snapshot snapshot, int[] hostTally, NetnsTallies byNetnsAndPid, int processesMax) {
        this.host = new SocketCounts.Builder().addAll(hostTally).build();

        Map<String, Group> byName = new HashMap<>();
        Group unknown = null;
        for (int n = 0; n < byNetnsAndPid.size(); n++) {
            String netns = byNetnsAndPid.name(n);
            PidTallies byPid = byNetnsAndPid.byPid(n);
            for (int i = 0; i < byPid.size(); i++) {
                int pid = byPid.pid(i);
                ProcessInfo info = pid == SocketEntry.UNKNOWN_PID ? null : snapshot.processes().get(pid);
                int[] tally = byPid.counts(i);
                if (info == null) {
                    unknown = unknown == null ? new Group() : unknown;
                    unknown.add(netns, tally);
                    continue;
                }
                Group g = byName.computeIfAbsent(ProcessSockets.publishedName(info.name()), k -> new Group());
                g.add(netns, tally);
                g.addPid(pid, netns, tally);
                if (!info.user().isEmpty()) {
                    g.users.add(info.user());
                }
            }
        }

        int room = processesMax - (unknown == null ? 0 : 1);
        Map<String, Group> kept = new TreeMap<>();
        Group other = null;
        if (byName.size() <= room) {
            kept.putAll(byName);
        } else {
            List<Map.Entry<String, Group>> ranked = new ArrayList<>(byName.entrySet());
            ranked.sort(MOST_SOCKETS_FIRST);
            other = new Group();
            for (int i = 0; i < ranked.size(); i++) {
                Map.Entry<String, Group> e = ranked.get(i);
                if (i < room) {
                    kept.put(e.getKey(), e.getValue());
                } else {
                    other.addAll(e.getValue());
                }
            }
        }
        if (unknown != null) {
            kept.put(ProcessSockets.UNKNOWN, unknown);
        }
        List<ProcessSockets> list = new ArrayList<>(kept.size() + 1);
        kept.forEach((name, g) -> list.add(g.toProcessSockets(name)));
        if (other != null) {
            list.add(other.toProcessSockets(ProcessSockets.OTHER));
        }
        this.processes = List.copyOf(list);
    }

    SocketCounts host() {
        return host;
    }

    List<ProcessSockets> processes() {
        return processes;
    }

    /** Most sockets first, then by name: which names keep their own entry under the cap. */
    private static final Comparator<Map.Entry<String, Group>> MOST_SOCKETS_FIRST =
            Comparator.<Map.Entry<String, Group>>comparingLong(e -> -e.getValue().total)
                    .thenComparing(Map.Entry::getKey);

    /** The sockets of one name (or bucket) while they are being counted. */
    private static final class Group {
        final int[] tally = new int[PROTOCOLS * STATES];
        long total;
        final TreeMap<String, int[]> byNetns = new TreeMap<>();
        final TreeMap<Integer, int[]> byPid = new TreeMap<>();
        final TreeMap<Integer, TreeMap<String, int[]>> byPidAndNetns = new TreeMap<>();
        final TreeSet<String> users = new TreeSet<>();

        /** Adds the sockets of one pid (or of unseen owners) in namespace {@code netns}. */
        void add(String netns, int[] counts) {
            for (int c = 0; c < counts.length; c++) {
                tally[c] += counts[c];
                total += counts[c];
            }
            sum(byNetns.computeIfAbsent(netns, k -> new int[counts.length]), counts);
        }

        /**
         * Records the sockets of {@code pid} in {@code netns} (a pid has one entry per namespace it has sockets in).
         * The usual pid, in one namespace, shares one array between its total and its namespace's counts.
         */
        void addPid(int pid, String netns, int[] counts) {
            TreeMap<String, int[]> perNetns = byPidAndNetns.computeIfAbsent(pid, k -> new TreeMap<>());
            int[] sum = byPid.get(pid);
            if (sum == null) {
                byPid.put(pid, counts);
            } else {
                if (perNetns.size() == 1) { // still shared with the first namespace's counts
                    sum = sum.clone();
                    byPid.put(pid, sum);
                }
                sum(sum, counts);
            }
            perNetns.put(netns, counts);
        }

        void addAll(Group other) {
            for (int c = 0; c < tally.length; c++) {
                tally[c] += other.tally[c];
            }
            total += other.total;
            other.byNetns.forEach((netns, counts) -> sum(byNetns.computeIfAbsent(netns, k -> new int[counts.length]),
                    counts));
            byPid.putAll(other.byPid); // a pid has one name: no pid is in two groups
            byPidAndNetns.putAll(other.byPidAndNetns);
            users.addAll(other.users);
        }

        ProcessSockets toProcessSockets(String name) {
            SocketCounts counts = build(tally);
            Map<Integer, SocketCounts> pidCounts = new TreeMap<>();
            Map<Integer, Map<String, SocketCounts>> pidNetnsCounts = new TreeMap<>();
            byPid.forEach((pid, t) -> {
                SocketCounts c = build(t);
                pidCounts.put(pid, c);
                pidNetnsCounts.put(pid, perNetns(byPidAndNetns.get(pid), c));
            });
            return new ProcessSockets(name, List.copyOf(byPid.keySet()), List.copyOf(users), counts, pidCounts,
                    perNetns(byNetns, counts), pidNetnsCounts);
        }

        /** Counts per namespace; one namespace (the usual case) shares the counts of the whole. */
        private static Map<String, SocketCounts> perNetns(Map<String, int[]> tallies, SocketCounts whole) {
            if (tallies.size() == 1) {
                return Map.of(tallies.keySet().iterator().next(), whole);
            }
            Map<String, SocketCounts> out = new TreeMap<>();
            tallies.forEach((netns, t) -> out.put(netns, build(t)));
            return out;
        }

        private static SocketCounts build(int[] tally) {
            return new SocketCounts.Builder().addAll(tally).build();
        }

        private static void sum(int[] into, int[] counts) {
            for (int c = 0; c < counts.length; c++) {
                into[c] += counts[c];
            }
        }
    }
}
