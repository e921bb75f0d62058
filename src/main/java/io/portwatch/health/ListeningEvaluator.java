package io.portwatch.health;

import io.portwatch.config.ListeningRow;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** docs/design.md §3, listening-port rows. */
final class ListeningEvaluator {

    private final Snapshot snapshot;
    private final SocketIndex index;
    private final String hostName;

    ListeningEvaluator(Snapshot snapshot, SocketIndex index, String hostName) {
        this.snapshot = snapshot;
        this.index = index;
        this.hostName = hostName;
    }

    ListeningResult evaluate(ListeningRow row) {
        List<SocketEntry> found = index.listeners(row.protocol(), row.localPort());
        String what = row.protocol().label() + "/" + row.localPort();
        if (found.isEmpty()) {
            return result(row, ListeningReason.NOT_LISTENING, "nothing listens on " + what, found);
        }
        SocketEntry onAddress = null;
        List<SocketEntry> expected = new ArrayList<>(1);
        for (SocketEntry s : found) {
            if (covers(s.localAddress(), row.localIP())) {
                if (Owners.matches(row.procName(), snapshot, s)) {
                    expected.add(s);
                }
                onAddress = onAddress == null ? s : onAddress;
            }
        }
        if (!expected.isEmpty()) {
            return listening(row, what, expected, found);
        }
        if (onAddress == null) {
            SocketEntry s = found.get(0);
            return result(row, ListeningReason.OTHER_ADDRESS, what + " listens only on " + Addresses.format(s.localAddress())
                    + ", expected " + Addresses.format(row.localIP().orElseThrow()), found);
        }
        if (!onAddress.hasOwner() || snapshot.owner(onAddress).isEmpty()) {
            return result(row, ListeningReason.OWNER_NOT_VISIBLE, what + " is listening but its owner cannot be seen (permissions), expected "
                    + row.procName(), found);
        }
        return result(row, ListeningReason.OTHER_OWNER, what + " is owned by " + Owners.describe(snapshot, onAddress)
                + ", expected " + row.procName(), found);
    }

    /**
     * GREEN for the listeners that satisfy the row, unless they are TCP listeners whose accept queues are all
     * full (YELLOW "not accepting"); with the accept queues and backlogs summed over them.
     */
    private ListeningResult listening(ListeningRow row, String what, List<SocketEntry> expected,
                                      List<SocketEntry> found) {
        SocketEntry first = expected.get(0);
        int queue = 0;
        int backlog = 0;
        boolean allFull = true;
        for (SocketEntry s : expected) {
            allFull &= s.acceptQueueFull();
            queue = sum(queue, s.protocol() == Protocol.TCP ? s.receiveQueue() : SocketEntry.UNKNOWN_QUEUE);
            backlog = sum(backlog, s.protocol() == Protocol.TCP ? s.sendQueue() : SocketEntry.UNKNOWN_QUEUE);
        }
        if (allFull) {
            String listeners = expected.size() == 1 ? "accept queue " : "accept queues of " + expected.size() + " listeners ";
            return ListeningResult.onHost(row, ListeningReason.NOT_ACCEPTING, what + " listening but not accepting: "
                    + listeners + queue + "/" + backlog + " full, owned by " + Owners.describe(snapshot, first)
                    + NamespaceScope.where(row.netns(), found), snapshot.takenAt(), found, hostName, queue, backlog);
        }
        return ListeningResult.onHost(row, ListeningReason.LISTENING, what + " listening on "
                + Addresses.format(first.localAddress()) + ", owned by " + Owners.describe(snapshot, first)
                + NamespaceScope.where(row.netns(), found), snapshot.takenAt(), found, hostName, queue, backlog);
    }

    /** A sum of queues that stays unknown once one of them is. */
    private static int sum(int total, int value) {
        if (total == SocketEntry.UNKNOWN_QUEUE || value == SocketEntry.UNKNOWN_QUEUE) {
            return SocketEntry.UNKNOWN_QUEUE;
        }
        return (int) Math.min((long) total + value, Integer.MAX_VALUE);
    }

    /**
     * True when a socket bound to {@code bound} serves {@code expected}: any expected address, the same
     * address, {@code ::} (dual-stack) for everything, or {@code 0.0.0.0} for IPv4.
     */
    static boolean covers(InetAddress bound, Optional<InetAddress> expected) {
        if (expected.isEmpty() || bound.equals(expected.get())) {
            return true;
        }
        if (bound.isAnyLocalAddress()) {
            return !(bound instanceof Inet4Address) || expected.get() instanceof Inet4Address;
        }
        return false;
    }

    private ListeningResult result(ListeningRow row, ListeningReason code, String reason, List<SocketEntry> found) {
        return ListeningResult.onHost(row, code, reason + NamespaceScope.where(row.netns(), found), snapshot.takenAt(),
                found, hostName, SocketEntry.UNKNOWN_QUEUE, SocketEntry.UNKNOWN_QUEUE);
    }
}
