package io.portwatch.http;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How one HTTP endpoint is served: where it binds, who may call it, over what, within which limits.
 * The Jolokia and the Prometheus endpoint are configured the same way, each with its own keys
 * ({@link Keys#JOLOKIA}, {@link Keys#PROMETHEUS}). Immutable. Empty {@code user}/{@code password}
 * mean no authentication; {@code https} needs either a PKCS12 keystore or a PEM certificate and key.
 * Whether the host is loopback is checked when the endpoint starts (it may need a name lookup).
 *
 * @param keys             the setting keys, used to name them in messages
 * @param host             address to bind to
 * @param port             port, 0 picks a free one
 * @param user             basic authentication user, or empty
 * @param password         a bcrypt hash of the password ({@code $2a$}, {@code $2b$}, {@code $2y$}), or the plain text
 * @param https            serve TLS 1.2+
 * @param keystore         PKCS12 keystore with the server key and certificate, or null
 * @param keystorePassword password of {@code keystore}, or empty
 * @param tlsCert          PEM certificate chain, or null
 * @param tlsKey           PEM PKCS#8 private key of {@code tlsCert}, or null
 * @param limits           connections, read time and body size granted to clients
 */
public record EndpointOptions(Keys keys, String host, int port, String user, String password, boolean https,
                              Path keystore, String keystorePassword, Path tlsCert, Path tlsKey, HttpLimits limits) {

    /**
     * The setting keys of one endpoint, and its name in messages.
     *
     * @param name the endpoint as log lines name it, e.g. "Jolokia"
     */
    public record Keys(String name, SettingKey host, SettingKey port, SettingKey user, SettingKey password,
                       SettingKey https, SettingKey keystore, SettingKey keystorePassword, SettingKey tlsCert,
                       SettingKey tlsKey) {

        public static final Keys JOLOKIA = new Keys("Jolokia", SettingKey.JOLOKIA_HOST, SettingKey.JOLOKIA_PORT,
                SettingKey.JOLOKIA_USER, SettingKey.JOLOKIA_PASSWORD, SettingKey.JOLOKIA_HTTPS,
                SettingKey.JOLOKIA_KEYSTORE, SettingKey.JOLOKIA_KEYSTORE_PASSWORD, SettingKey.JOLOKIA_TLS_CERT,
                SettingKey.JOLOKIA_TLS_KEY);

        public static final Keys PROMETHEUS = new Keys("Prometheus endpoint", SettingKey.PROMETHEUS_HOST,
                SettingKey.PROMETHEUS_PORT, SettingKey.PROMETHEUS_USER, SettingKey.PROMETHEUS_PASSWORD,
                SettingKey.PROMETHEUS_HTTPS, SettingKey.PROMETHEUS_KEYSTORE, SettingKey.PROMETHEUS_KEYSTORE_PASSWORD,
                SettingKey.PROMETHEUS_TLS_CERT, SettingKey.PROMETHEUS_TLS_KEY);
    }

    /**
     * @throws IllegalArgumentException naming the setting when only one of user and password is given, https has
     *                                  neither a keystore nor a PEM pair (or both), or the port is out of range
     */
    public EndpointOptions {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(limits, "limits");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        if (host.isBlank()) {
            throw new IllegalArgumentException(keys.host().key() + ": expecting an address or host name, found \"\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(keys.port().key() + ": expecting 0-65535, found " + port);
        }
        if (user.isEmpty() != password.isEmpty()) {
            throw new IllegalArgumentException(keys.user().key() + " and " + keys.password().key()
                    + " must be given together");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException(keys.tlsCert().key() + " and " + keys.tlsKey().key()
                    + " must be given together");
        }
        if (https && keystore == null && tlsCert == null) {
            throw new IllegalArgumentException(keys.https().key() + "=true needs " + keys.keystore().key() + " or "
                    + keys.tlsCert().key() + " and " + keys.tlsKey().key());
        }
        if (https && keystore != null && tlsCert != null) {
            throw new IllegalArgumentException(keys.https().key() + "=true: give " + keys.keystore().key() + " or "
                    + keys.tlsCert().key() + " and " + keys.tlsKey().key() + ", not both");
        }
    }

    /** The endpoint's settings. */
    public static EndpointOptions of(Settings settings, Keys keys) {
        return new EndpointOptions(keys, settings.get(keys.host()).trim(), settings.getInt(keys.port()),
                settings.get(keys.user()), settings.get(keys.password()), settings.getBoolean(keys.https()),
                path(settings, keys.keystore()), settings.get(keys.keystorePassword()), path(settings, keys.tlsCert()),
                path(settings, keys.tlsKey()), HttpLimits.of(settings));
    }

    /** Plain http on {@code host} without authentication, default limits. */
    public static EndpointOptions plain(Keys keys, String host, int port) {
        return new EndpointOptions(keys, host, port, "", "", false, null, "", null, null, HttpLimits.DEFAULTS);
    }

    private static Path path(Settings settings, SettingKey key) {
        String value = settings.get(key);
        return value.isBlank() ? null : Path.of(value.trim());
    }

    /** Whether requests must carry basic authentication. */
    public boolean authenticated() {
        return !user.isEmpty();
    }

    /** The same options with basic authentication ({@code password} plain or a bcrypt hash). */
    public EndpointOptions withCredentials(String newUser, String newPassword) {
        return new EndpointOptions(keys, host, port, newUser, newPassword, https, keystore, keystorePassword, tlsCert,
                tlsKey, limits);
    }

    /** The same options served over https with a PKCS12 keystore. */
    public EndpointOptions withKeystore(Path newKeystore, String newKeystorePassword) {
        return new EndpointOptions(keys, host, port, user, password, true, newKeystore, newKeystorePassword, null, null,
                limits);
    }

    /** The same options served over https with a PEM certificate chain and PKCS#8 key. */
    public EndpointOptions withPem(Path cert, Path key) {
        return new EndpointOptions(keys, host, port, user, password, true, null, "", cert, key, limits);
    }

    /** The same options on another host. */
    public EndpointOptions withHost(String newHost) {
        return new EndpointOptions(keys, newHost, port, user, password, https, keystore, keystorePassword, tlsCert,
                tlsKey, limits);
    }

    /** The same options with other limits. */
    public EndpointOptions withLimits(HttpLimits newLimits) {
        return new EndpointOptions(keys, host, port, user, password, https, keystore, keystorePassword, tlsCert,
                tlsKey, newLimits);
    }

    /** Passwords are masked. */
    @Override
    public String toString() {
        return keys.name() + "[host=" + host + ", port=" + port + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***") + ", https=" + https + ", keystore=" + keystore
                + ", keystorePassword=" + (keystorePassword.isEmpty() ? "" : "***") + ", tlsCert=" + tlsCert
                + ", tlsKey=" + tlsKey + ", " + limits + "]";
    }
}
