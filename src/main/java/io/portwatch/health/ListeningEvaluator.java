package io.portwatch.health;

import io.portwatch.config.ListeningRow;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/** DESIGN §3, listening-port rows. */
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
        String key = row.protocol().label() + "ListenOn" + hostName + "For" + row.procName() + "At"
                + row.localIP().map(Addresses::format).orElse("*") + ":" + row.localPort();
        if (found.isEmpty()) {
            return result(row, ListeningReason.NOT_LISTENING, "nothing listens on " + what, found, key);
        }
        SocketEntry onAddress = null;
        for (SocketEntry s : found) {
            if (covers(s.localAddress(), row.localIP())) {
                if (Owners.matches(row.procName(), snapshot, s)) {
                    return result(row, ListeningReason.LISTENING, what + " listening on " + Addresses.format(s.localAddress())
                            + ", owned by " + Owners.describe(snapshot, s), found, key);
                }
                onAddress = onAddress == null ? s : onAddress;
            }
        }
        if (onAddress == null) {
            SocketEntry s = found.get(0);
            return result(row, ListeningReason.OTHER_ADDRESS, what + " listens only on " + Addresses.format(s.localAddress())
                    + ", expected " + Addresses.format(row.localIP().orElseThrow()), found, key);
        }
        if (!onAddress.hasOwner() || snapshot.owner(onAddress).isEmpty()) {
            return result(row, ListeningReason.OWNER_NOT_VISIBLE, what + " is listening but its owner cannot be seen (permissions), expected "
                    + row.procName(), found, key);
        }
        return result(row, ListeningReason.OTHER_OWNER, what + " is owned by " + Owners.describe(snapshot, onAddress)
                + ", expected " + row.procName(), found, key);
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

    private ListeningResult result(ListeningRow row, ListeningReason code, String reason, List<SocketEntry> found,
                                   String key) {
        return new ListeningResult(row, code, reason + NamespaceScope.where(row.netns(), found), snapshot.takenAt(), found,
                key);
    }
}
