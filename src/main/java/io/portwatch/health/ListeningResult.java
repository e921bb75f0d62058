package io.portwatch.health;

import io.portwatch.config.ListeningRow;
import io.portwatch.config.Severity;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.SocketEntry;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The health of one listening-port row: a value, equal to another when all its parts are.
 *
 * <p>The NetstatWatcher key of an evaluated row is made when it is read, from the row and the host name
 * ({@link #netstatWatcherKey()}): it repeats the row's {@code procName} (up to 512 characters), and 20,000 rows
 * would otherwise hold 20,000 such keys per scan (docs/design.md §5 rule 2).
 *
 * @param reasonCode  the case that decided the health (and so the health)
 * @param reason      the full one-line reason
 * @param acceptQueue connections waiting in the accept queues of the row's listeners (TCP listeners on a covering
 *                    address owned by a matching process), summed; -1 when unknown or there are none
 * @param backlog     the backlogs of the same listeners, summed; -1 when unknown or there are none
 */
public final class ListeningResult implements RowResult {

    private final ListeningRow row;
    private final ListeningReason reasonCode;
    private final String reason;
    private final Instant testedAt;
    private final List<SocketEntry> matched;
    /** The key as given; null when it is made from {@link #hostName} on read. */
    private final String key;
    private final String hostName;
    private final int acceptQueue;
    private final int backlog;

    public ListeningResult(ListeningRow row, ListeningReason reasonCode, String reason, Instant testedAt,
                           List<SocketEntry> matched, String netstatWatcherKey, int acceptQueue, int backlog) {
        this(row, reasonCode, reason, testedAt, matched, Objects.requireNonNull(netstatWatcherKey, "netstatWatcherKey"),
                null, acceptQueue, backlog);
    }

    /** A result without accept queue figures. */
    public ListeningResult(ListeningRow row, ListeningReason reasonCode, String reason, Instant testedAt,
                           List<SocketEntry> matched, String netstatWatcherKey) {
        this(row, reasonCode, reason, testedAt, matched, netstatWatcherKey, SocketEntry.UNKNOWN_QUEUE,
                SocketEntry.UNKNOWN_QUEUE);
    }

    private ListeningResult(ListeningRow row, ListeningReason reasonCode, String reason, Instant testedAt,
                            List<SocketEntry> matched, String key, String hostName, int acceptQueue, int backlog) {
        this.row = row;
        this.reasonCode = Objects.requireNonNull(reasonCode, "reasonCode");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.testedAt = testedAt;
        this.matched = List.copyOf(matched);
        this.key = key;
        this.hostName = hostName;
        this.acceptQueue = acceptQueue;
        this.backlog = backlog;
    }

    /** A result whose NetstatWatcher key is made on read from the row and {@code hostName}. */
    static ListeningResult onHost(ListeningRow row, ListeningReason reasonCode, String reason, Instant testedAt,
                                  List<SocketEntry> matched, String hostName, int acceptQueue, int backlog) {
        return new ListeningResult(row, reasonCode, reason, testedAt, matched, null,
                Objects.requireNonNull(hostName, "hostName"), acceptQueue, backlog);
    }

    /** The NetstatWatcher key of a row on a host, e.g. {@code tcpListenOnweb01ForsshdAt*:22}. */
    static String netstatWatcherKey(ListeningRow row, String hostName) {
        return row.protocol().label() + "ListenOn" + hostName + "For" + row.procName() + "At"
                + row.localIP().map(Addresses::format).orElse("*") + ":" + row.localPort();
    }

    public ListeningRow row() {
        return row;
    }

    @Override
    public ListeningReason reasonCode() {
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

    @Override
    public String netstatWatcherKey() {
        return key != null ? key : netstatWatcherKey(row, hostName);
    }

    public int acceptQueue() {
        return acceptQueue;
    }

    public int backlog() {
        return backlog;
    }

    @Override
    public String id() {
        return row.id();
    }

    @Override
    public Severity severity() {
        return row.severity();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof ListeningResult)) {
            return false;
        }
        ListeningResult r = (ListeningResult) o;
        return acceptQueue == r.acceptQueue && backlog == r.backlog && Objects.equals(row, r.row)
                && reasonCode == r.reasonCode && reason.equals(r.reason) && Objects.equals(testedAt, r.testedAt)
                && matched.equals(r.matched) && netstatWatcherKey().equals(r.netstatWatcherKey());
    }

    @Override
    public int hashCode() {
        return Objects.hash(row, reasonCode, reason, testedAt, matched, netstatWatcherKey(), acceptQueue, backlog);
    }

    @Override
    public String toString() {
        return "ListeningResult[row=" + row + ", reasonCode=" + reasonCode + ", reason=" + reason + ", testedAt="
                + testedAt + ", matched=" + matched + ", netstatWatcherKey=" + netstatWatcherKey() + ", acceptQueue="
                + acceptQueue + ", backlog=" + backlog + "]";
    }
}
