package io.portwatch.http;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;

import java.time.Duration;

/**
 * What one endpoint grants a client (docs/design.md §5): set per server, never through JVM-wide properties.
 *
 * @param maxConnections open connections at once; when full, the longest-silent connection that is not
 *                       being answered is closed to make room, else the newcomer is ({@code http.maxConnections})
 * @param readTimeout    time a client has to send a whole request, headers and body, after connecting or after
 *                       its previous response; it also bounds a TLS handshake and any silence while writing
 *                       ({@code http.readTimeout})
 * @param maxBodyBytes   largest request body; a larger one is answered 413 before it is read ({@code http.maxBodySize})
 */
public record HttpLimits(int maxConnections, Duration readTimeout, long maxBodyBytes) {

    /** The defaults of the settings catalogue. */
    public static final HttpLimits DEFAULTS = of(Settings.defaults());

    public HttpLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException(SettingKey.HTTP_MAX_CONNECTIONS.key() + ": expecting at least 1, found "
                    + maxConnections);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException(SettingKey.HTTP_READ_TIMEOUT.key() + ": expecting a positive time, found "
                    + readTimeout);
        }
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(SettingKey.HTTP_MAX_BODY_SIZE.key() + ": expecting 1 byte to 2 GiB, found "
                    + maxBodyBytes);
        }
    }

    /** The {@code http.*} settings. */
    public static HttpLimits of(Settings settings) {
        return new HttpLimits(settings.getInt(SettingKey.HTTP_MAX_CONNECTIONS),
                settings.getSeconds(SettingKey.HTTP_READ_TIMEOUT), settings.getBytes(SettingKey.HTTP_MAX_BODY_SIZE));
    }

    /** The same limits with another read timeout (tests use short ones). */
    public HttpLimits withReadTimeout(Duration timeout) {
        return new HttpLimits(maxConnections, timeout, maxBodyBytes);
    }

    /** The same limits with another connection cap. */
    public HttpLimits withMaxConnections(int max) {
        return new HttpLimits(max, readTimeout, maxBodyBytes);
    }
}
