package io.portwatch.health;

import io.portwatch.config.NetnsPattern;
import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sockets a row sees through its {@code netns} column (docs/design.md §2, §3 "in the row's namespace"): the
 * evaluation's index when every namespace of the snapshot matches the column (one namespace, or {@code *}),
 * else an index of the matching namespaces' sockets, built once per distinct column value.
 */
final class NamespaceScope {

    private final Snapshot snapshot;
    private final SocketIndex all;
    /** The snapshot's namespaces, each once (sockets of one namespace come one after another). */
    private final List<NetNamespace> namespaces = new ArrayList<>();
    private final Map<NetnsPattern, SocketIndex> byPattern = new HashMap<>();

    NamespaceScope(Snapshot snapshot, SocketIndex all) {
        this.snapshot = snapshot;
        this.all = all;
        NetNamespace last = null;
        for (SocketEntry s : snapshot.sockets()) {
            if (s.netns() != last) {
                last = s.netns();
                if (!namespaces.contains(last)) {
                    namespaces.add(last);
                }
            }
        }
    }

    /** The index of the sockets in the namespaces {@code netns} matches. */
    SocketIndex index(NetnsPattern netns) {
        return byPattern.computeIfAbsent(netns, this::build);
    }

    private SocketIndex build(NetnsPattern netns) {
        boolean every = true;
        for (NetNamespace ns : namespaces) {
            every &= netns.matches(ns);
        }
        if (every) {
            return all;
        }
        List<SocketEntry> mine = new ArrayList<>();
        for (SocketEntry s : snapshot.sockets()) {
            if (netns.matches(s.netns())) {
                mine.add(s);
            }
        }
        return SocketIndex.withoutCensus(new Snapshot(snapshot.takenAt(), snapshot.duration(), mine, snapshot.processes()));
    }

    /**
     * What a row's reason says of where its sockets are: nothing for a row about portwatch's own namespace
     * (every NetstatWatcher row: its sockets are all there, as its index holds no other), else
     * {@code " (netns a, b)"}: the names of the namespaces of the matched sockets, or the column itself when
     * nothing matched.
     */
    static String where(NetnsPattern netns, List<SocketEntry> matched) {
        if (netns.isOwn()) {
            return "";
        }
        Set<String> names = new LinkedHashSet<>();
        NetNamespace last = null;
        for (SocketEntry s : matched) {
            if (s.netns() != last) {
                last = s.netns();
                names.add(last.name());
            }
        }
        return " (netns " + (names.isEmpty() ? netns.text() : String.join(", ", names)) + ")";
    }
}
