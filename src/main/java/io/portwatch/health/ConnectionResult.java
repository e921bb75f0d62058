package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Severity;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of one connection row: a value, equal to another when all its parts are.
 *
 * <p>The NetstatWatcher key of an evaluated row is made when it is read, from the row and the host name
 * ({@link #netstatWatcherKey()}), as {@link ListeningResult}'s is (docs/design.md §5 rule 2).
 *
 * @param reasonCode        the case that decided the health (and so the health)
 * @param reason            the full one-line reason
 * @param byState           counts of the row's matched sockets owned by the expected process (or, when not
 *                          ESTABLISHED, by an owner that cannot be seen), by state
 * @param sendQueueBytes    bytes sent and not yet acknowledged, summed over those ESTABLISHED sockets; -1 when
 *                          unknown (the platform does not tell)
 * @param receiveQueueBytes bytes received and not yet read by the process, summed likewise; -1 when unknown
 * @param quality           what the kernel measured of those sockets ({@link #quality()}), empty when unknown
 */
public final class ConnectionResult implements RowResult {

    private final ConnectionRow row;
    private final ConnectionReason reasonCode;
    private final String reason;
    private final Instant testedAt;
    private final List<SocketEntry> matched;
    private final Map<SocketState, Integer> byState;
    /** The key as given; null when it is made from {@link #hostName} on read. */
    private final String key;
    private final String hostName;
    private final long sendQueueBytes;
    private final long receiveQueueBytes;
    /** Null when unknown. */
    private final ConnectionQuality quality;

    public ConnectionResult(ConnectionRow row, ConnectionReason reasonCode, String reason, Instant testedAt,
                            List<SocketEntry> matched, Map<SocketState, Integer> byState, String netstatWatcherKey,
                            long sendQueueBytes, long receiveQueueBytes) {
        this(row, reasonCode, reason, testedAt, matched, byState,
                Objects.requireNonNull(netstatWatcherKey, "netstatWatcherKey"), null, sendQueueBytes,
                receiveQueueBytes);
    }

    /** A result without queue figures. */
    public ConnectionResult(ConnectionRow row, ConnectionReason reasonCode, String reason, Instant testedAt,
                            List<SocketEntry> matched, Map<SocketState, Integer> byState, String netstatWatcherKey) {
        this(row, reasonCode, reason, testedAt, matched, byState, netstatWatcherKey, SocketEntry.UNKNOWN_QUEUE,
                SocketEntry.UNKNOWN_QUEUE);
    }

    private ConnectionResult(ConnectionRow row, ConnectionReason reasonCode, String reason, Instant testedAt,
                             List<SocketEntry> matched, Map<SocketState, Integer> byState, String key,
                             String hostName, long sendQueueBytes, long receiveQueueBytes) {
        this(row, reasonCode, reason, testedAt, matched, byState, key, hostName, sendQueueBytes, receiveQueueBytes,
                null);
    }

    private ConnectionResult(ConnectionRow row, ConnectionReason reasonCode, String reason, Instant testedAt,
                             List<SocketEntry> matched, Map<SocketState, Integer> byState, String key,
                             String hostName, long sendQueueBytes, long receiveQueueBytes, ConnectionQuality quality) {
        this.row = row;
        this.reasonCode = Objects.requireNonNull(reasonCode, "reasonCode");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.testedAt = testedAt;
        this.matched = matched instanceof MatchedSockets ? matched : List.copyOf(matched); // a view is not copied
        this.byState = Map.copyOf(byState);
        this.key = key;
        this.hostName = hostName;
        this.sendQueueBytes = sendQueueBytes;
        this.receiveQueueBytes = receiveQueueBytes;
        this.quality = quality;
    }

    /** The same result with what the kernel measured of the row's sockets (null: unknown). */
    public ConnectionResult withQuality(ConnectionQuality newQuality) {
        return new ConnectionResult(row, reasonCode, reason, testedAt, matched, byState, key, hostName,
                sendQueueBytes, receiveQueueBytes, newQuality);
    }

    /** What the kernel measured of the row's matched ESTABLISHED sockets; empty when unknown (not the netlink reader). */
    public java.util.Optional<ConnectionQuality> quality() {
        return java.util.Optional.ofNullable(quality);
    }

    /** A result whose NetstatWatcher key is made on read from the row and {@code hostName}. */
    static ConnectionResult onHost(ConnectionRow row, ConnectionReason reasonCode, String reason, Instant testedAt,
                                   List<SocketEntry> matched, Map<SocketState, Integer> byState, String hostName,
                                   long sendQueueBytes, long receiveQueueBytes) {
        return new ConnectionResult(row, reasonCode, reason, testedAt, matched, byState, null,
                Objects.requireNonNull(hostName, "hostName"), sendQueueBytes, receiveQueueBytes);
    }

    /** What a row connects to, as reasons and keys show it: {@code db01:5432}, {@code 10.0.0.5:1433}, {@code *:443}. */
    static String target(ConnectionRow row) {
        return (row.hasRemoteName() ? row.remoteName() : row.remoteIP().map(Addresses::format).orElse("*"))
                + ":" + row.remotePort();
    }

    /** The NetstatWatcher key of a row on a host, e.g. {@code tcpConnectOnweb01ForjavaTo10.0.0.5:1433}. */
    static String netstatWatcherKey(ConnectionRow row, String hostName) {
        return "tcpConnectOn" + hostName + "For" + row.procName() + "To" + target(row);
    }

    public ConnectionRow row() {
        return row;
    }

    @Override
    public ConnectionReason reasonCode() {
        return reasonCode;
    }

    @Override
    public String reason() {
        return reason;
    }

    @Override
    public Instant testedAt() {
        return testedAt;
    }

    @Override
    public List<SocketEntry> matched() {
        return matched;
    }

    public Map<SocketState, Integer> byState() {
        return byState;
    }

    @Override
    public String netstatWatcherKey() {
        return key != null ? key : netstatWatcherKey(row, hostName);
    }

    public long sendQueueBytes() {
        return sendQueueBytes;
    }

    public long receiveQueueBytes() {
        return receiveQueueBytes;
    }

    @Override
    public String id() {
        return row.id();
    }

    @Override
    public Severity severity() {
        return row.severity();
    }

    /** ESTABLISHED sockets owned by the expected process. */
    public int established() {
        return byState.getOrDefault(SocketState.ESTABLISHED, 0);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ConnectionResult)) {
            return false;
        }
        ConnectionResult r = (ConnectionResult) o;
        return sendQueueBytes == r.sendQueueBytes && receiveQueueBytes == r.receiveQueueBytes
                && Objects.equals(row, r.row) && reasonCode == r.reasonCode && reason.equals(r.reason)
                && Objects.equals(testedAt, r.testedAt) && matched.equals(r.matched) && byState.equals(r.byState)
                && netstatWatcherKey().equals(r.netstatWatcherKey()) && Objects.equals(quality, r.quality);
    }

    @Override
    public int hashCode() {
        return Objects.hash(row, reasonCode, reason, testedAt, matched, byState, netstatWatcherKey(), sendQueueBytes,
                receiveQueueBytes, quality);
    }

    @Override
    public String toString() {
        return "ConnectionResult[row=" + row + ", reasonCode=" + reasonCode + ", reason=" + reason + ", testedAt="
                + testedAt + ", matched=" + matched + ", byState=" + byState + ", netstatWatcherKey="
                + netstatWatcherKey() + ", sendQueueBytes=" + sendQueueBytes + ", receiveQueueBytes="
                + receiveQueueBytes + ", quality=" + quality + "]";
    }
}
