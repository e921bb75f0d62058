package io.portwatch.health;

/**
 * The case of docs/design.md §3 that decided a row's health, one of a closed set per row kind. Its
 * {@link #label()} is a fixed text, the only reason text a metric label carries
 * ({@code portwatch_row_reason_info{reason=...}}): it holds no pid, count or address, so a restart or a
 * pool resize makes no new series. The full one-line reason with those stays in
 * {@link RowResult#reason()} (JMX, Jolokia, {@code check}, the log).
 */
public sealed interface ReasonCode permits ListeningReason, ConnectionReason {

    /** The fixed text, e.g. {@code owned by another process}. */
    String label();

    /** The health this case gives. */
    Health health();
}
