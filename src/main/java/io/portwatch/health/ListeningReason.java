package io.portwatch.health;

/** Why a listening-port row has its health (docs/design.md §3): one constant per case of the table. */
public enum ListeningReason implements ReasonCode {

    /** A socket listens on the port and address, owned by the expected process. */
    LISTENING("listening", Health.GREEN),
    /** On the port and address, but owned by another process than {@code procName}. */
    OTHER_OWNER("owned by another process", Health.YELLOW),
    /** On the port, but bound only to addresses that do not cover {@code localIP}. */
    OTHER_ADDRESS("bound to another address", Health.YELLOW),
    /** On the port and address, {@code procName} given, but the owner cannot be seen (permissions). */
    OWNER_NOT_VISIBLE("owner not visible", Health.YELLOW),
    /** Listening as expected, but the accept queue of every matched TCP listener is full (more waiting than its backlog). */
    NOT_ACCEPTING("not accepting", Health.YELLOW),
    /** Nothing listens on that protocol and port. */
    NOT_LISTENING("not listening", Health.RED);

    private final String label;
    private final Health health;

    ListeningReason(String label, Health health) {
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
