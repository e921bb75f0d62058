package io.portwatch.health;

import io.portwatch.scan.NetNamespace;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sockets of every process that shares one name ({@code portwatch:type=Process,name=<name>}), or
 * of one of the two buckets: {@value #UNKNOWN} (owner cannot be seen) and {@value #OTHER} (the names
 * beyond {@code processes.max}, summed).
 *
 * @param name   the published name: {@link #publishedName} of the process name, or a bucket's
 * @param pids   the pids seen with that name, ascending (for {@value #OTHER}: of every summed process)
 * @param users  the users those processes run as, sorted
 * @param counts socket counts by protocol and state
 * @param byPid  the same counts for each pid
 * @param byNetns the same counts for each name of a network namespace the sockets live in
 *               ({@link NetNamespace#name()}; known even when the owner is not)
 * @param byPidAndNetns the counts of each pid of {@code byPid}, for each namespace name
 */
public record ProcessSockets(String name, List<Integer> pids, List<String> users, SocketCounts counts,
                             Map<Integer, SocketCounts> byPid, Map<String, SocketCounts> byNetns,
                             Map<Integer, Map<String, SocketCounts>> byPidAndNetns) {

    /** Name used for sockets whose owner cannot be seen. */
    public static final String UNKNOWN = "unknown";

    /** Name of the bucket that sums the process names beyond the cap ({@code processes.max}). */
    public static final String OTHER = "other";

    public ProcessSockets {
        Objects.requireNonNull(name, "name");
        pids = List.copyOf(pids);
        users = List.copyOf(users);
        Objects.requireNonNull(counts, "counts");
        byPid = Map.copyOf(byPid);
        byNetns = Map.copyOf(byNetns);
        Map<Integer, Map<String, SocketCounts>> copy = new HashMap<>();
        byPidAndNetns.forEach((pid, perNetns) -> copy.put(pid, Map.copyOf(perNetns)));
        byPidAndNetns = Map.copyOf(copy);
    }

    /** Sockets that all live in portwatch's own namespace ({@link NetNamespace#OWN}). */
    public ProcessSockets(String name, List<Integer> pids, List<String> users, SocketCounts counts,
                          Map<Integer, SocketCounts> byPid) {
        this(name, pids, users, counts, byPid, ownNamespace(counts), ownNamespace(byPid));
    }

    private static Map<String, SocketCounts> ownNamespace(SocketCounts counts) {
        return counts.total() == 0 ? Map.of() : Map.of(NetNamespace.OWN.name(), counts);
    }

    private static Map<Integer, Map<String, SocketCounts>> ownNamespace(Map<Integer, SocketCounts> byPid) {
        Map<Integer, Map<String, SocketCounts>> out = new HashMap<>();
        byPid.forEach((pid, counts) -> out.put(pid, ownNamespace(counts)));
        return out;
    }

    /**
     * The name a process is published under: its own, except that a process really named
     * {@code other} or {@code unknown} (followed by any number of {@code _}) gets one more {@code _}, so
     * that {@value #OTHER} and {@value #UNKNOWN} always mean the buckets and no two names meet:
     * {@code other} → {@code other_}, {@code other_} → {@code other__}, {@code Other} stays.
     */
    public static String publishedName(String processName) {
        return isReserved(processName) ? processName + "_" : processName;
    }

    /** A bucket's name followed by any number of {@code _} (checked per pid at every scan: no regex). */
    private static boolean isReserved(String name) {
        String bucket = name.startsWith(OTHER) ? OTHER : name.startsWith(UNKNOWN) ? UNKNOWN : null;
        if (bucket == null) {
            return false;
        }
        for (int i = bucket.length(); i < name.length(); i++) {
            if (name.charAt(i) != '_') {
                return false;
            }
        }
        return true;
    }

    /** True for the {@value #OTHER} bucket (no process is published under that name). */
    public boolean isOther() {
        return name.equals(OTHER);
    }
}
