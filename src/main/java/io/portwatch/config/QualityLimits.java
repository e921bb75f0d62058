package io.portwatch.config;

import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A connection row's limits on connection quality (docs/design.md §3; judged only when the socket source measures
 * it, the netlink reader).
 *
 * @param stallSeconds      the {@code stallSeconds} column: a socket holding unacknowledged data with no
 *                          acknowledgement for longer is stalled; 0 turns the check off; empty = the setting
 *                          {@code connections.stallSeconds}
 * @param maxRttMs          the {@code maxRttMs} column: the most smoothed RTT of the worst matched socket, empty for
 *                          no limit
 * @param maxRetransPercent the {@code maxRetransPercent} column: the most retransmitted / sent segments since the
 *                          previous scan, in percent (0–100), empty for no limit
 */
public record QualityLimits(OptionalInt stallSeconds, OptionalInt maxRttMs, OptionalDouble maxRetransPercent) {

    /** No column given: stalled judged with the setting, no RTT or retransmission limit. */
    public static final QualityLimits NONE = new QualityLimits(OptionalInt.empty(), OptionalInt.empty(),
            OptionalDouble.empty());

    public QualityLimits {
        Objects.requireNonNull(stallSeconds, "stallSeconds");
        Objects.requireNonNull(maxRttMs, "maxRttMs");
        Objects.requireNonNull(maxRetransPercent, "maxRetransPercent");
        if (stallSeconds.isPresent() && stallSeconds.getAsInt() < 0) {
            throw new IllegalArgumentException("stallSeconds must be >= 0: " + stallSeconds.getAsInt());
        }
        if (maxRttMs.isPresent() && maxRttMs.getAsInt() < 0) {
            throw new IllegalArgumentException("maxRttMs must be >= 0: " + maxRttMs.getAsInt());
        }
        if (maxRetransPercent.isPresent()
                && !(maxRetransPercent.getAsDouble() >= 0 && maxRetransPercent.getAsDouble() <= 100)) {
            throw new IllegalArgumentException("maxRetransPercent must be 0-100: " + maxRetransPercent.getAsDouble());
        }
    }

    /** The stall limit in seconds for this row, {@code defaultSeconds} unless the column gives one; 0 = off. */
    public int stallSeconds(int defaultSeconds) {
        return stallSeconds.orElse(defaultSeconds);
    }
}
