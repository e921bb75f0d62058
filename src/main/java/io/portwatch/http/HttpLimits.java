package io.portwatch.http;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;

import java.time.Duration;

/**
 * What one endpoint grants a client (docs/design.md §5): set per server, never through JVM-wide properties.
 *
 * @param maxConnections   open connections at once; when full, the longest-silent connection that is not
 *                         being answered is closed to make room, else the newcomer is ({@code http.maxConnections})
 * @param readTimeout      time a client has to send a whole request, headers and body, after connecting or after
 *                         its previous response; it also bounds a TLS handshake ({@code http.readTimeout})
 * @param maxBodyBytes     largest request body; a larger one is answered 413 before it is read ({@code http.maxBodySize})
 * @param writeTimeout     time an answer has from when its handler starts until its last byte is sent: a client that
 *                         reads it slower is cut ({@code http.writeTimeout})
 * @param maxBytesInFlight bytes of answers built and not yet sent, on the whole endpoint; when full, a new request
 *                         is answered 503 before its handler runs ({@code http.maxBytesInFlight})
 */
public record HttpLimits(int maxConnections, Duration readTimeout, long maxBodyBytes, Duration writeTimeout,
                         long maxBytesInFlight) {

    /** The defaults of the settings catalogue. */
    public static final HttpLimits DEFAULTS = of(Settings.defaults());

    public HttpLimits {
        if (maxConnections < 1) {
            throw new IllegalArgumentException(SettingKey.HTTP_MAX_CONNECTIONS.key() + ": expecting at least 1, found "
                    + maxConnections);
        }
        positive(readTimeout, SettingKey.HTTP_READ_TIMEOUT);
        positive(writeTimeout, SettingKey.HTTP_WRITE_TIMEOUT);
        if (maxBodyBytes < 1 || maxBodyBytes > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException(SettingKey.HTTP_MAX_BODY_SIZE.key() + ": expecting 1 byte to 2 GiB, found "
                    + maxBodyBytes);
        }
        if (maxBytesInFlight < 1) {
            throw new IllegalArgumentException(SettingKey.HTTP_MAX_BYTES_IN_FLIGHT.key() + ": expecting at least 1 byte,"
                    + " found " + maxBytesInFlight);
        }
    }

    /** The given limits, the write timeout and bytes in flight of the defaults. */
    public HttpLimits(int maxConnections, Duration readTimeout, long maxBodyBytes) {
        this(maxConnections, readTimeout, maxBodyBytes, Settings.defaults().getSeconds(SettingKey.HTTP_WRITE_TIMEOUT),
                Settings.defaults().getBytes(SettingKey.HTTP_MAX_BYTES_IN_FLIGHT));
    }

    private static void positive(Duration time, SettingKey key) {
        if (time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException(key.key() + ": expecting a positive time, found " + time);
        }
    }

    /** The {@code http.*} settings. */
    public static HttpLimits of(Settings settings) {
        return new HttpLimits(settings.getInt(SettingKey.HTTP_MAX_CONNECTIONS),
                settings.getSeconds(SettingKey.HTTP_READ_TIMEOUT), settings.getBytes(SettingKey.HTTP_MAX_BODY_SIZE),
                settings.getSeconds(SettingKey.HTTP_WRITE_TIMEOUT), settings.getBytes(SettingKey.HTTP_MAX_BYTES_IN_FLIGHT));
    }

    /** The same limits with another read timeout (tests use short ones). */
    public HttpLimits withReadTimeout(Duration timeout) {
        return new HttpLimits(maxConnections, timeout, maxBodyBytes, writeTimeout, maxBytesInFlight);
    }

    /** The same limits with another write timeout (tests use short ones). */
    public HttpLimits withWriteTimeout(Duration timeout) {
        return new HttpLimits(maxConnections, readTimeout, maxBodyBytes, timeout, maxBytesInFlight);
    }

    /** The same limits with another connection cap. */
    public HttpLimits withMaxConnections(int max) {
        return new HttpLimits(max, readTimeout, maxBodyBytes, writeTimeout, maxBytesInFlight);
    }

    /** The same limits with another bound on the bytes in flight. */
    public HttpLimits withMaxBytesInFlight(long max) {
        return new HttpLimits(maxConnections, readTimeout, maxBodyBytes, writeTimeout, max);
    }
}
