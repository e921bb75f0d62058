package io.portwatch.health;

/** Why a connection row has its health (docs/design.md §3): one constant per case of the table. */
public enum ConnectionReason implements ReasonCode {

    /** The expected process's ESTABLISHED count is within {@code minCount} and {@code maxCount}. */
    COUNT_AS_EXPECTED("established count as expected", Health.GREEN),
    /**
     * Every ESTABLISHED socket is stalled (unacknowledged data, no acknowledgement for longer than
     * {@code stallSeconds}), or so many that the others are fewer than {@code minCount}.
     */
    STALLED("stalled", Health.YELLOW),
    /** The count is as expected, and the matched sockets' retransmissions since the previous scan are above {@code maxRetransPercent}. */
    RETRANSMITTING("retransmitting", Health.YELLOW),
    /** The count is as expected, and the worst matched socket's RTT is above {@code maxRttMs}. */
    SLOW("slow", Health.YELLOW),
    /** Some ESTABLISHED, fewer than {@code minCount}. */
    TOO_FEW("fewer established than minCount", Health.YELLOW),
    /** More ESTABLISHED than {@code maxCount}. */
    TOO_MANY("more established than maxCount", Health.YELLOW),
    /** None ESTABLISHED, some in SYN_SENT, SYN_RECV, FIN_WAIT1/2, TIME_WAIT, CLOSING or LAST_ACK. */
    TRANSITIONAL("only transitional states", Health.YELLOW),
    /** None ESTABLISHED by {@code procName}, some by another process. */
    OTHER_OWNER("established by another process", Health.YELLOW),
    /** None ESTABLISHED by {@code procName}, some by a process that cannot be seen (permissions). */
    OWNER_NOT_VISIBLE("established, owner not visible", Health.YELLOW),
    /** Only CLOSE_WAIT: the peer closed, the local side did not. */
    ONLY_CLOSE_WAIT("only CLOSE_WAIT", Health.RED),
    /** No socket of the row. */
    NO_CONNECTION("no matching connection", Health.RED),
    /** {@code remoteName} failed to resolve and no {@code remoteIP} is given. */
    NOT_RESOLVED("remoteName does not resolve", Health.RED),
    /** {@code remoteName} has no resolution yet (the resolver runs off the scan path) and no {@code remoteIP} is given. */
    NOT_RESOLVED_YET("remoteName not resolved yet", Health.RED);

    private final String label;
    private final Health health;

    ConnectionReason(String label, Health health) {
        this.label = label;
        this.health = health;
    }

    @Override
    public String label() {
        return label;
    }

    @Override
    public Health health() {
        return health;
    }
}
