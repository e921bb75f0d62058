package io.portwatch.prometheus;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;

/**
 * The byte budget of {@code /metrics} (docs/design.md §5, rule 1).
 *
 * @param maxBytes    the largest exposition built ({@code prometheus.maxResponseSize}): rendering stops at the first
 *                    byte past it and scrapes get 503 naming the setting until a state fits again
 * @param maxInFlight responses written at once ({@code prometheus.maxConcurrentScrapes}); one more scrape gets 503
 *                    at once. They share one copy of the bytes, so this bounds threads and per-connection buffers
 */
public record ExpositionLimits(long maxBytes, int maxInFlight) {

    /**
     * The largest exposition the maximum definitions make (docs/design.md §2: 20,000 rows in each file, every field
     * at its longest, every row with every series it can have), with label values cut to
     * {@link LabelValue#MAX_LENGTH}: about 70 MB in either format, so the default budget (16 MB) refuses it with
     * 503 rather than hold it in the host's heap. {@code MaxDefinitionsExpositionTest} holds both formats under it.
     */
    public static final long MAX_DEFINITIONS_EXPOSITION = 72L << 20;

    /** The defaults of the settings catalogue. */
    public static final ExpositionLimits DEFAULTS = of(Settings.defaults());

    public ExpositionLimits {
        if (maxBytes < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBytes and maxInFlight must be positive: " + maxBytes + ", "
                    + maxInFlight);
        }
    }

    /** The {@code prometheus.maxResponseSize} and {@code prometheus.maxConcurrentScrapes} settings. */
    public static ExpositionLimits of(Settings settings) {
        return new ExpositionLimits(settings.getBytes(SettingKey.PROMETHEUS_MAX_RESPONSE_SIZE),
                settings.getInt(SettingKey.PROMETHEUS_MAX_CONCURRENT_SCRAPES));
    }
}
