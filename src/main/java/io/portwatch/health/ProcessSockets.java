package io.portwatch.health;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sockets of every process that shares one name ({@code portwatch:type=Process,name=<name>}).
 *
 * @param name   the process name; {@code unknown} for sockets whose owner cannot be seen
 * @param pids   the pids seen with that name, ascending
 * @param users  the users those processes run as, sorted
 * @param counts socket counts by protocol and state
 * @param byPid  the same counts for each pid
 */
public record ProcessSockets(String name, List<Integer> pids, List<String> users, SocketCounts counts,
                             Map<Integer, SocketCounts> byPid) {

    /** Name used for sockets whose owner cannot be seen. */
    public static final String UNKNOWN = "unknown";

    public ProcessSockets {
        Objects.requireNonNull(name, "name");
        pids = List.copyOf(pids);
        users = List.copyOf(users);
        Objects.requireNonNull(counts, "counts");
        byPid = Map.copyOf(byPid);
    }
}
