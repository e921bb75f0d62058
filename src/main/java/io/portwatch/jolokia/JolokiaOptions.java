package io.portwatch.jolokia;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.http.EndpointOptions;

import java.util.Objects;

/**
 * How the Jolokia endpoint is served: the HTTP options every endpoint has ({@code jolokia.host},
 * {@code jolokia.port}, credentials, TLS, the {@code http.*} limits), the most requests one bulk
 * request may carry ({@code jolokia.maxBulkRequests}) and the most bytes of answers one request may build
 * ({@code jolokia.maxResponseSize}). Immutable.
 */
public record JolokiaOptions(EndpointOptions http, int maxBulkRequests, long maxResponseBytes) {

    /** @throws IllegalArgumentException when {@code maxBulkRequests} or {@code maxResponseBytes} is below 1 */
    public JolokiaOptions {
        Objects.requireNonNull(http, "http");
        if (maxBulkRequests < 1) {
            throw new IllegalArgumentException(SettingKey.JOLOKIA_MAX_BULK_REQUESTS.key() + ": expecting at least 1, found "
                    + maxBulkRequests);
        }
        if (maxResponseBytes < 1024 || maxResponseBytes > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(SettingKey.JOLOKIA_MAX_RESPONSE_SIZE.key() + ": expecting 1KB to 1GB, found "
                    + maxResponseBytes + " bytes");
        }
    }

    /** The given HTTP options and bulk limit, the default answer budget. */
    public JolokiaOptions(EndpointOptions http, int maxBulkRequests) {
        this(http, maxBulkRequests, Settings.defaults().getBytes(SettingKey.JOLOKIA_MAX_RESPONSE_SIZE));
    }

    /** The {@code jolokia.*} and {@code http.*} settings. */
    public static JolokiaOptions of(Settings settings) {
        return new JolokiaOptions(EndpointOptions.of(settings, EndpointOptions.Keys.JOLOKIA),
                settings.getInt(SettingKey.JOLOKIA_MAX_BULK_REQUESTS), settings.getBytes(SettingKey.JOLOKIA_MAX_RESPONSE_SIZE));
    }

    /** Plain http on 127.0.0.1 without authentication, default limits. */
    public static JolokiaOptions loopback(int port) {
        return new JolokiaOptions(EndpointOptions.plain(EndpointOptions.Keys.JOLOKIA, "127.0.0.1", port),
                Integer.parseInt(SettingKey.JOLOKIA_MAX_BULK_REQUESTS.defaultValue()));
    }

    /** The same options with another answer budget. */
    public JolokiaOptions withMaxResponseBytes(long max) {
        return new JolokiaOptions(http, maxBulkRequests, max);
    }

    /** Whether requests must carry basic authentication. */
    public boolean authenticated() {
        return http.authenticated();
    }
}
