package io.portwatch.prometheus;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;

import java.util.Locale;

/**
 * The formats {@code /metrics} serves: the Prometheus text format 0.0.4 and OpenMetrics 1.0 text. Nothing else:
 * a scraper that asks for protobuf first (Prometheus 2.49+ and 3 with {@code scrape_protocols} starting with
 * {@code PrometheusProto}, or native histograms) lists a text format after it or {@code *}{@code /*}, and gets
 * that; any other or unreadable {@code Accept} gets the text format, never an error.
 */
enum ExpositionFormat {
    TEXT,
    OPENMETRICS;

    private static final ExpositionFormats WRITERS = ExpositionFormats.init(PrometheusProperties.builder().build());

    /** OpenMetrics when {@code accept} lists {@code application/openmetrics-text} with a q above 0, else text. */
    static ExpositionFormat forAccept(String accept) {
        if (accept == null) {
            return TEXT;
        }
        for (String range : accept.split(",", 64)) {
            String[] parts = range.split(";", 16);
            if (parts[0].trim().toLowerCase(Locale.ROOT).equals("application/openmetrics-text") && quality(parts) > 0) {
                return OPENMETRICS;
            }
        }
        return TEXT;
    }

    private static double quality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2));
                } catch (NumberFormatException e) {
                    return 1; // an unreadable weight is the default weight
                }
            }
        }
        return 1;
    }

    ExpositionFormatWriter writer() {
        return this == TEXT ? WRITERS.getPrometheusTextFormatWriter() : WRITERS.getOpenMetricsTextFormatWriter();
    }

    String contentType() {
        return writer().getContentType();
    }
}
