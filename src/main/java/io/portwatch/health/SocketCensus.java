package io.portwatch.health;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/** Socket counts per process name and for the whole host. */
final class SocketCensus {

    private final SocketCounts host;
    private final List<ProcessSockets> processes;

    SocketCensus(Snapshot snapshot) {
        SocketCounts.Builder total = new SocketCounts.Builder();
        Map<String, Tally> byName = new TreeMap<>();
        for (SocketEntry s : snapshot.sockets()) {
            total.add(s.protocol(), s.state());
            Optional<ProcessInfo> owner = snapshot.owner(s);
            String name = owner.map(ProcessInfo::name).orElse(ProcessSockets.UNKNOWN);
            Tally t = byName.computeIfAbsent(name, n -> new Tally());
            t.counts.add(s.protocol(), s.state());
            owner.ifPresent(p -> {
                t.pids.add(p.pid());
                t.byPid.computeIfAbsent(p.pid(), k -> new SocketCounts.Builder()).add(s.protocol(), s.state());
                if (!p.user().isEmpty()) {
                    t.users.add(p.user());
                }
            });
        }
        this.host = total.build();
        List<ProcessSockets> list = new ArrayList<>(byName.size());
        byName.forEach((name, t) -> list.add(new ProcessSockets(name, List.copyOf(t.pids), List.copyOf(t.users), t.counts.build(),
                t.frozenByPid())));
        this.processes = List.copyOf(list);
    }

    SocketCounts host() {
        return host;
    }

    List<ProcessSockets> processes() {
        return processes;
    }

    private static final class Tally {
        final SocketCounts.Builder counts = new SocketCounts.Builder();
        final TreeSet<Integer> pids = new TreeSet<>();
        final TreeSet<String> users = new TreeSet<>();
        final Map<Integer, SocketCounts.Builder> byPid = new TreeMap<>();

        Map<Integer, SocketCounts> frozenByPid() {
            Map<Integer, SocketCounts> out = new TreeMap<>();
            byPid.forEach((pid, b) -> out.put(pid, b.build()));
            return out;
        }
    }
}
