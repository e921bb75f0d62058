package io.portwatch.prometheus;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;

/**
 * The byte budget of {@code /metrics} (docs/design.md §5, rule 1).
 *
 * @param maxBytes    the largest exposition built ({@code prometheus.maxResponseSize}): when all rows' series would not
 *                    fit, only the worst rows' are published ({@link BoundedExposition}); rendering stops at the first
 *                    byte past it, and scrapes get 503 naming the setting only when even the fixed part passes it
 * @param maxInFlight responses written at once ({@code prometheus.maxConcurrentScrapes}); one more scrape gets 503
 *                    at once. They share one copy of the bytes, so this bounds threads and per-connection buffers
 */
public record ExpositionLimits(long maxBytes, int maxInFlight) {

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
