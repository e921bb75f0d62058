package io.portwatch.jolokia;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the Jolokia endpoint is served. Immutable; an empty {@code user}/{@code password} means no
 * authentication, a {@code null} {@code keystore} means none. Whether the host is loopback is
 * checked when the endpoint starts (it needs a name lookup), not here.
 *
 * @param host             address to bind to ({@code jolokia.host})
 * @param port             port, 0 picks a free one ({@code jolokia.port})
 * @param user             basic authentication user, or empty ({@code jolokia.user})
 * @param password         basic authentication password, or empty ({@code jolokia.password})
 * @param https            serve https with {@code keystore} ({@code jolokia.https})
 * @param keystore         PKCS12 keystore holding the server key and certificate, or null ({@code jolokia.keystore})
 * @param keystorePassword password of {@code keystore}, or empty ({@code jolokia.keystorePassword})
 */
public record JolokiaOptions(String host, int port, String user, String password, boolean https, Path keystore,
                             String keystorePassword) {

    /**
     * @throws IllegalArgumentException when only one of user and password is given, when https has no
     *                                  keystore, or the port is out of range
     */
    public JolokiaOptions {
        Objects.requireNonNull(host, "host");
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        keystorePassword = keystorePassword == null ? "" : keystorePassword;
        if (host.isBlank()) {
            throw new IllegalArgumentException(SettingKey.JOLOKIA_HOST.key() + ": expecting an address or host name, found \"\"");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(SettingKey.JOLOKIA_PORT.key() + ": expecting 0-65535, found " + port);
        }
        if (user.isEmpty() != password.isEmpty()) {
            throw new IllegalArgumentException(SettingKey.JOLOKIA_USER.key() + " and " + SettingKey.JOLOKIA_PASSWORD.key()
                    + " must be given together");
        }
        if (https && keystore == null) {
            throw new IllegalArgumentException(SettingKey.JOLOKIA_HTTPS.key() + "=true needs " + SettingKey.JOLOKIA_KEYSTORE.key());
        }
    }

    /** The {@code jolokia.*} settings. */
    public static JolokiaOptions of(Settings settings) {
        String keystore = settings.get(SettingKey.JOLOKIA_KEYSTORE);
        return new JolokiaOptions(settings.get(SettingKey.JOLOKIA_HOST).trim(), settings.getInt(SettingKey.JOLOKIA_PORT),
                settings.get(SettingKey.JOLOKIA_USER), settings.get(SettingKey.JOLOKIA_PASSWORD),
                settings.getBoolean(SettingKey.JOLOKIA_HTTPS),
                keystore.isBlank() ? null : Path.of(keystore.trim()),
                settings.get(SettingKey.JOLOKIA_KEYSTORE_PASSWORD));
    }

    /** Plain http on 127.0.0.1 without authentication. */
    public static JolokiaOptions loopback(int port) {
        return new JolokiaOptions("127.0.0.1", port, "", "", false, null, "");
    }

    /** Whether requests must carry basic authentication. */
    public boolean authenticated() {
        return !user.isEmpty();
    }

    /** The same options with basic authentication. */
    public JolokiaOptions withCredentials(String newUser, String newPassword) {
        return new JolokiaOptions(host, port, newUser, newPassword, https, keystore, keystorePassword);
    }

    /** The same options served over https with the given PKCS12 keystore. */
    public JolokiaOptions withHttps(Path newKeystore, String newKeystorePassword) {
        return new JolokiaOptions(host, port, user, password, true, newKeystore, newKeystorePassword);
    }

    /** The same options on another host. */
    public JolokiaOptions withHost(String newHost) {
        return new JolokiaOptions(newHost, port, user, password, https, keystore, keystorePassword);
    }

    /** Passwords are masked. */
    @Override
    public String toString() {
        return "JolokiaOptions[host=" + host + ", port=" + port + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***") + ", https=" + https + ", keystore=" + keystore
                + ", keystorePassword=" + (keystorePassword.isEmpty() ? "" : "***") + "]";
    }
}
