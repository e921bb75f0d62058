package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Resolution;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * docs/design.md §3, connection rows. A row adds up the owner tallies of the socket groups it asks for
 * ({@link ConnectionTable}); it walks sockets one by one only when it restricts both ports.
 */
final class ConnectionEvaluator {

    private static final SocketState[] STATES = SocketState.values();
    private static final int ESTABLISHED = SocketState.ESTABLISHED.ordinal();

    private final Snapshot snapshot;
    private final SocketIndex index;
    private final ResolvedNames names;
    private final String hostName;
    /** Whether a pattern matches a pid's process: one glob match per pattern and pid per evaluation. */
    private final Map<NamePattern, Map<Integer, Boolean>> ownerMatches = new HashMap<>();
    /** Send and receive queues of ESTABLISHED sockets per group and pid, made once per group and evaluation. */
    private final Map<SocketGroup, Map<Integer, long[]>> queuesByPid = new IdentityHashMap<>();
    /** {@code connections.stallSeconds}: rows without the column. */
    private final int stallSeconds;
    private final QualityHistory previousQuality;
    private final QualityHistory.Builder nextQuality;

    ConnectionEvaluator(Snapshot snapshot, SocketIndex index, ResolvedNames names, String hostName, int stallSeconds,
                        QualityHistory previousQuality, QualityHistory.Builder nextQuality) {
        this.snapshot = snapshot;
        this.index = index;
        this.names = names;
        this.hostName = hostName;
        this.stallSeconds = stallSeconds;
        this.previousQuality = previousQuality;
        this.nextQuality = nextQuality;
    }

    ConnectionResult evaluate(ConnectionRow row) {
        String target = ConnectionResult.target(row);

        Set<InetAddress> remotes = new LinkedHashSet<>();
        row.remoteIP().ifPresent(remotes::add);
        if (row.hasRemoteName()) {
            Optional<Resolution> resolution = names.get(row.remoteName());
            resolution.ifPresent(r -> remotes.addAll(r.addresses()));
            if (remotes.isEmpty()) {
                ConnectionReason code = resolution.isPresent() ? ConnectionReason.NOT_RESOLVED
                        : ConnectionReason.NOT_RESOLVED_YET;
                String why = resolution.map(r -> "remoteName " + row.remoteName() + " does not resolve: " + r.error())
                        .orElse("remoteName " + row.remoteName() + " has not been resolved yet");
                return ConnectionResult.onHost(row, code, why, snapshot.takenAt(), List.of(), Map.of(), hostName,
                        SocketEntry.UNKNOWN_QUEUE, SocketEntry.UNKNOWN_QUEUE);
            }
        }

        Tally tally = new Tally(row.procName());
        List<SocketGroup> matched = new ArrayList<>();
        for (SocketGroup group : groups(row, remotes)) {
            SocketGroup mine = row.remotePort().isAny() || row.localPort().isAny()
                    ? group // the group holds exactly the row's sockets
                    : onBothPorts(group, row.remotePort(), row.localPort());
            tally.add(mine);
            matched.add(mine);
        }

        int stall = row.quality().stallSeconds(stallSeconds);
        QualityFigures quality = quality(row, matched, stall);
        int established = tally.ours[ESTABLISHED];
        int working = established - quality.stalled();
        int min = row.minCount();
        ConnectionReason code;
        String reason;
        if (inRange(row, established) && inRange(row, working)) {
            code = ConnectionReason.COUNT_AS_EXPECTED;
            reason = established + " ESTABLISHED to " + target + by(row) + " (expected " + expectation(row) + ")";
            String retransmitting = QualityReasons.retransmitting(row, quality);
            String slow = QualityReasons.slow(row, quality);
            if (retransmitting != null) {
                code = ConnectionReason.RETRANSMITTING;
                reason = retransmitting + "; " + reason;
            } else if (slow != null) {
                code = ConnectionReason.SLOW;
                reason = slow + "; " + reason;
            }
        } else if (quality.stalled() > 0 && (quality.stalled() == established || inRange(row, established))) {
            code = ConnectionReason.STALLED;
            reason = QualityReasons.stalled(quality, established, target + by(row), expectation(row), stall);
        } else if (established > 0) {
            code = established < min ? ConnectionReason.TOO_FEW : ConnectionReason.TOO_MANY;
            reason = established + " ESTABLISHED to " + target + by(row) + ", expected " + expectation(row);
        } else if (tally.anyTransitional()) {
            code = ConnectionReason.TRANSITIONAL;
            reason = "none ESTABLISHED to " + target + by(row) + "; " + states(tally.byState());
        } else if (tally.othersEstablished > 0 && tally.otherOwner != null) {
            code = ConnectionReason.OTHER_OWNER;
            reason = "ESTABLISHED to " + target + " by " + Owners.describe(tally.otherOwner) + ", expected " + row.procName();
        } else if (tally.othersEstablished > 0) {
            code = ConnectionReason.OWNER_NOT_VISIBLE;
            reason = "ESTABLISHED to " + target + " but its owner cannot be seen (permissions), expected " + row.procName();
        } else if (tally.closeWait) {
            code = ConnectionReason.ONLY_CLOSE_WAIT;
            reason = "only CLOSE_WAIT to " + target + " (the peer closed, the local side did not)";
        } else {
            code = ConnectionReason.NO_CONNECTION;
            reason = "no connection to " + target + by(row);
        }
        long[] queues = {0, 0};
        for (SocketGroup group : matched) {
            addQueues(queues, group, row.procName());
        }
        List<SocketEntry> sockets = MatchedSockets.of(matched);
        QualityHistory.Row next = quality.next();
        if (next != null) {
            nextQuality.put(row.id(), next);
        }
        return ConnectionResult.onHost(row, code, reason + NamespaceScope.where(row.netns(), sockets),
                snapshot.takenAt(), sockets, tally.byState(), hostName, queues[0], queues[1])
                .withQuality(quality.quality());
    }

    private static boolean inRange(ConnectionRow row, int established) {
        return established >= row.minCount() && (row.maxCount().isEmpty() || established <= row.maxCount().getAsInt());
    }

    /**
     * The quality figures of the row's matched ESTABLISHED sockets of the expected process (those its count
     * judges). Walks the sockets only when some socket of the snapshot carries its quality: with none measured, no
     * figure exists (and the /proc reader's evaluation costs nothing more).
     */
    private QualityFigures quality(ConnectionRow row, List<SocketGroup> matched, int stall) {
        QualityFigures figures = new QualityFigures(previousQuality.row(row.id()), nextQuality, stall);
        long visits = 0;
        for (SocketGroup group : matched) {
            visits += group.columns().anyQuality() ? group.size() : 0;
        }
        if (visits > 0 && !nextQuality.take(visits)) {
            figures.skip();
            return figures;
        }
        NamePattern procName = row.procName();
        for (SocketGroup group : matched) {
            ConnectionColumns columns = group.columns();
            if (!columns.anyQuality()) {
                continue; // the /proc reader: no socket is measured, none is walked
            }
            SocketEntry[] sockets = columns.sockets();
            for (int k = 0; k < group.size(); k++) {
                int position = group.position(k);
                SocketEntry s = sockets[position];
                if (s.quality() == null || columns.state(position) != ESTABLISHED) {
                    continue;
                }
                int pid = columns.pid(position);
                if (procName.isAny() || ownerSeen(pid) && ownerMatches(procName, pid)) {
                    figures.add(s);
                }
            }
        }
        return figures;
    }

    /**
     * Adds the send and receive queues of the group's ESTABLISHED sockets owned by the expected process to
     * {@code sums} (-1 once one is unknown). A group's sums per pid are made once per evaluation: rows that
     * share a group do not walk its sockets again.
     */
    private void addQueues(long[] sums, SocketGroup group, NamePattern procName) {
        Map<Integer, long[]> byPid = queuesByPid.computeIfAbsent(group, ConnectionEvaluator::queuesByPid);
        for (Map.Entry<Integer, long[]> e : byPid.entrySet()) {
            int pid = e.getKey();
            if (procName.isAny() || ownerSeen(pid) && ownerMatches(procName, pid)) {
                for (int q = 0; q < 2; q++) {
                    long v = e.getValue()[q];
                    sums[q] = sums[q] < 0 || v < 0 ? SocketEntry.UNKNOWN_QUEUE : sums[q] + v;
                }
            }
        }
    }

    private static Map<Integer, long[]> queuesByPid(SocketGroup group) {
        Map<Integer, long[]> out = new HashMap<>();
        ConnectionColumns columns = group.columns();
        SocketEntry[] sockets = columns.sockets();
        for (int k = 0; k < group.size(); k++) {
            int position = group.position(k);
            if (columns.state(position) != ESTABLISHED) {
                continue;
            }
            SocketEntry s = sockets[position];
            long[] sums = out.computeIfAbsent(columns.pid(position), p -> new long[2]);
            sums[0] = sums[0] < 0 || s.sendQueue() < 0 ? SocketEntry.UNKNOWN_QUEUE : sums[0] + s.sendQueue();
            sums[1] = sums[1] < 0 || s.receiveQueue() < 0 ? SocketEntry.UNKNOWN_QUEUE : sums[1] + s.receiveQueue();
        }
        return out;
    }

    /**
     * The groups holding the row's sockets: those of its remote port range (or of its local port range,
     * when that is the only one given or the narrower one), to any or to each of its remote addresses.
     */
    private List<SocketGroup> groups(ConnectionRow row, Set<InetAddress> remotes) {
        ConnectionTable byRemotePort = index.connectionsByRemotePort();
        ConnectionTable.Bucket bucket;
        if (row.localPort().isAny()) {
            bucket = byRemotePort.bucket(row.remotePort());
        } else {
            ConnectionTable byLocalPort = index.connectionsByLocalPort();
            bucket = !row.remotePort().isAny() && byRemotePort.count(row.remotePort()) <= byLocalPort.count(row.localPort())
                    ? byRemotePort.bucket(row.remotePort()) : byLocalPort.bucket(row.localPort());
        }
        if (remotes.isEmpty()) {
            return List.of(bucket.all());
        }
        List<SocketGroup> groups = new ArrayList<>(remotes.size());
        for (InetAddress remote : remotes) {
            SocketGroup g = bucket.to(remote);
            if (g != null) {
                groups.add(g);
            }
        }
        return groups;
    }

    /** The group's connections that are on both port ranges. */
    private static SocketGroup onBothPorts(SocketGroup group, PortRange remotePort, PortRange localPort) {
        ConnectionColumns columns = group.columns();
        SocketGroup kept = SocketGroup.empty(columns);
        for (int k = 0; k < group.size(); k++) {
            int position = group.position(k);
            if (remotePort.contains(columns.remotePort(position)) && localPort.contains(columns.localPort(position))) {
                kept.append(position);
            }
        }
        return kept;
    }

    /** True when the pid's process is in the snapshot (an owner that can be seen). */
    private boolean ownerSeen(int pid) {
        return pid != SocketEntry.UNKNOWN_PID && snapshot.processes().containsKey(pid);
    }

    private boolean ownerMatches(NamePattern pattern, int pid) {
        return ownerMatches.computeIfAbsent(pattern, p -> new HashMap<>())
                .computeIfAbsent(pid, p -> pattern.matchesOwner(snapshot.processes().get(p)));
    }

    /** A row's matched sockets counted by state: its own (docs/design.md §3) and the others'. */
    private final class Tally {

        private final NamePattern procName;
        /** Sockets of the expected process, or not ESTABLISHED with an owner that cannot be seen. */
        final int[] ours = new int[STATES.length];
        /** ESTABLISHED sockets of another (or an unseen) process. */
        int othersEstablished;
        /** The first other process seen with an ESTABLISHED socket, null when only unseen owners had them. */
        ProcessInfo otherOwner;
        boolean closeWait;

        Tally(NamePattern procName) {
            this.procName = procName;
        }

        void add(SocketGroup group) {
            closeWait |= group.hasCloseWait();
            PidTallies byPid = group.byPid();
            for (int i = 0; i < byPid.size(); i++) {
                int pid = byPid.pid(i);
                boolean seen = ownerSeen(pid);
                for (int st = 0; st < STATES.length; st++) {
                    int n = byPid.count(i, st);
                    if (n > 0) {
                        count(seen, pid, st, n);
                    }
                }
            }
        }

        private void count(boolean ownerSeen, int pid, int state, int n) {
            if (procName.isAny() || ownerSeen && ownerMatches(procName, pid)) {
                ours[state] += n;
            } else if (!ownerSeen && state != ESTABLISHED) {
                // a closing socket often has no owner any more (TIME_WAIT holds no fd): it cannot be excluded
                ours[state] += n;
            } else if (state == ESTABLISHED) {
                othersEstablished += n;
                if (ownerSeen && otherOwner == null) {
                    otherOwner = snapshot.processes().get(pid);
                }
            }
        }

        boolean anyTransitional() {
            for (int st = 0; st < ours.length; st++) {
                if (ours[st] > 0 && STATES[st].isTransitional()) {
                    return true;
                }
            }
            return false;
        }

        Map<SocketState, Integer> byState() {
            Map<SocketState, Integer> out = new EnumMap<>(SocketState.class);
            for (int st = 0; st < ours.length; st++) {
                if (ours[st] > 0) {
                    out.put(STATES[st], ours[st]);
                }
            }
            return out;
        }
    }

    private static String by(ConnectionRow row) {
        return row.procName().isAny() ? "" : " by " + row.procName();
    }

    private static String expectation(ConnectionRow row) {
        if (row.maxCount().isPresent()) {
            return row.minCount() == row.maxCount().getAsInt() ? "exactly " + row.minCount()
                    : row.minCount() + " to " + row.maxCount().getAsInt();
        }
        return "at least " + row.minCount();
    }

    private static String states(Map<SocketState, Integer> counts) {
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
