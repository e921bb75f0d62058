package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Resolution;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** DESIGN §3, connection rows. */
final class ConnectionEvaluator {

    private final Snapshot snapshot;
    private final SocketIndex index;
    private final ResolvedNames names;
    private final String hostName;

    ConnectionEvaluator(Snapshot snapshot, SocketIndex index, ResolvedNames names, String hostName) {
        this.snapshot = snapshot;
        this.index = index;
        this.names = names;
        this.hostName = hostName;
    }

    ConnectionResult evaluate(ConnectionRow row) {
        String target = (row.hasRemoteName() ? row.remoteName() : row.remoteIP().map(Addresses::format).orElse("*"))
                + ":" + row.remotePort();
        String key = "tcpConnectOn" + hostName + "For" + row.procName() + "To" + target;

        Set<InetAddress> remotes = new HashSet<>();
        row.remoteIP().ifPresent(remotes::add);
        if (row.hasRemoteName()) {
            Optional<Resolution> resolution = names.get(row.remoteName());
            resolution.ifPresent(r -> remotes.addAll(r.addresses()));
            if (remotes.isEmpty()) {
                String why = resolution.map(r -> "remoteName " + row.remoteName() + " does not resolve: " + r.error())
                        .orElse("remoteName " + row.remoteName() + " has not been resolved yet");
                return new ConnectionResult(row, Health.RED, why, snapshot.takenAt(), List.of(), Map.of(), key);
            }
        }
        boolean anyRemote = remotes.isEmpty();

        List<SocketEntry> matched = new ArrayList<>();
        Map<SocketState, Integer> ours = new EnumMap<>(SocketState.class);
        List<SocketEntry> othersEstablished = new ArrayList<>();
        boolean closeWaitAnywhere = false;
        Map<Integer, Boolean> matchByPid = new HashMap<>(); // a glob per pid, not per socket
        for (SocketEntry s : index.tcpConnectionsTo(row.remotePort())) {
            if (!(anyRemote || remotes.contains(s.remoteAddress())) || !row.localPort().contains(s.localPort())) {
                continue;
            }
            matched.add(s);
            closeWaitAnywhere |= s.state() == SocketState.CLOSE_WAIT;
            boolean ownerUnseen = !s.hasOwner() || !snapshot.processes().containsKey(s.pid());
            boolean ownerMatches = row.procName().isAny()
                    || !ownerUnseen && matchByPid.computeIfAbsent(s.pid(), pid -> Owners.matches(row.procName(), snapshot, s));
            if (ownerMatches || ownerUnseen && s.state() != SocketState.ESTABLISHED) {
                // a closing socket often has no owner any more (TIME_WAIT holds no fd): it cannot be excluded
                ours.merge(s.state(), 1, Integer::sum);
            } else if (s.state() == SocketState.ESTABLISHED) {
                othersEstablished.add(s);
            }
        }

        int established = ours.getOrDefault(SocketState.ESTABLISHED, 0);
        int min = row.minCount();
        Health health;
        String reason;
        if (established >= min && (row.maxCount().isEmpty() || established <= row.maxCount().getAsInt())) {
            health = Health.GREEN;
            reason = established + " ESTABLISHED to " + target + by(row) + " (expected " + expectation(row) + ")";
        } else if (established > 0) {
            health = Health.YELLOW;
            reason = established + " ESTABLISHED to " + target + by(row) + ", expected " + expectation(row);
        } else if (ours.keySet().stream().anyMatch(SocketState::isTransitional)) {
            health = Health.YELLOW;
            reason = "none ESTABLISHED to " + target + by(row) + "; " + states(ours);
        } else if (!othersEstablished.isEmpty()) {
            health = Health.YELLOW;
            SocketEntry other = othersEstablished.get(0);
            reason = other.hasOwner() && snapshot.owner(other).isPresent()
                    ? "ESTABLISHED to " + target + " by " + Owners.describe(snapshot, other) + ", expected " + row.procName()
                    : "ESTABLISHED to " + target + " but its owner cannot be seen (permissions), expected " + row.procName();
        } else if (closeWaitAnywhere) {
            health = Health.RED;
            reason = "only CLOSE_WAIT to " + target + " (the peer closed, the local side did not)";
        } else {
            health = Health.RED;
            reason = "no connection to " + target + by(row);
        }
        return new ConnectionResult(row, health, reason, snapshot.takenAt(), matched, ours, key);
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
