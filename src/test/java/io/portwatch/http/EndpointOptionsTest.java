package io.portwatch.http;

import io.portwatch.config.Settings;
import io.portwatch.jolokia.JolokiaOptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointOptionsTest {

    private static final EndpointOptions.Keys JOLOKIA = EndpointOptions.Keys.JOLOKIA;
    private static final EndpointOptions.Keys PROMETHEUS = EndpointOptions.Keys.PROMETHEUS;

    @Test
    void defaultsAreLoopbackWithoutAuthenticationAndBoundedLimits() {
        Settings defaults = Settings.defaults();
        EndpointOptions jolokia = EndpointOptions.of(defaults, JOLOKIA);
        assertEquals(EndpointOptions.plain(JOLOKIA, "127.0.0.1", 8778), jolokia);
        EndpointOptions prometheus = EndpointOptions.of(defaults, PROMETHEUS);
        assertEquals(EndpointOptions.plain(PROMETHEUS, "127.0.0.1", 9798), prometheus);
        assertFalse(prometheus.authenticated());
        assertEquals(new HttpLimits(100, Duration.ofSeconds(10), 1024 * 1024), jolokia.limits());
        assertEquals(100, JolokiaOptions.of(defaults).maxBulkRequests());
    }

    @Test
    void readsEverySettingOfEachEndpoint() throws Exception {
        Settings settings = Settings.resolve(Map.ofEntries(Map.entry("prometheus.host", "10.0.0.5"),
                Map.entry("prometheus.port", "0"), Map.entry("prometheus.user", "ops"),
                Map.entry("prometheus.password", "s3cret"), Map.entry("prometheus.https", "true"),
                Map.entry("prometheus.tlsCert", "/etc/portwatch/cert.pem"),
                Map.entry("prometheus.tlsKey", "/etc/portwatch/key.pem"), Map.entry("http.maxConnections", "7"),
                Map.entry("http.readTimeout", "3"), Map.entry("http.maxBodySize", "2KB"),
                Map.entry("jolokia.keystore", "/etc/portwatch/jolokia.p12"), Map.entry("jolokia.https", "true"),
                Map.entry("jolokia.keystorePassword", "kp"), Map.entry("jolokia.maxBulkRequests", "5")), "--", Map.of());
        HttpLimits limits = new HttpLimits(7, Duration.ofSeconds(3), 2048);
        assertEquals(new EndpointOptions(PROMETHEUS, "10.0.0.5", 0, "ops", "s3cret", true, null, "",
                Path.of("/etc/portwatch/cert.pem"), Path.of("/etc/portwatch/key.pem"), limits),
                EndpointOptions.of(settings, PROMETHEUS));
        JolokiaOptions jolokia = JolokiaOptions.of(settings);
        assertEquals(new EndpointOptions(JOLOKIA, "127.0.0.1", 8778, "", "", true, Path.of("/etc/portwatch/jolokia.p12"),
                "kp", null, null, limits), jolokia.http());
        assertEquals(5, jolokia.maxBulkRequests());
    }

    @Test
    void userWithoutPasswordIsRefusedNamingTheEndpointsKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EndpointOptions.plain(PROMETHEUS, "127.0.0.1", 1).withCredentials("ops", ""));
        assertEquals("prometheus.user and prometheus.password must be given together", e.getMessage());
    }

    @Test
    void httpsNeedsKeystoreOrPemPairButNotBoth() {
        EndpointOptions plain = EndpointOptions.plain(JOLOKIA, "127.0.0.1", 1);
        assertEquals("jolokia.https=true needs jolokia.keystore or jolokia.tlsCert and jolokia.tlsKey",
                assertThrows(IllegalArgumentException.class, () -> new EndpointOptions(JOLOKIA, "127.0.0.1", 1, "", "",
                        true, null, "", null, null, HttpLimits.DEFAULTS)).getMessage());
        assertEquals("jolokia.tlsCert and jolokia.tlsKey must be given together",
                assertThrows(IllegalArgumentException.class, () -> new EndpointOptions(JOLOKIA, "127.0.0.1", 1, "", "",
                        true, null, "", Path.of("c.pem"), null, HttpLimits.DEFAULTS)).getMessage());
        assertEquals("jolokia.https=true: give jolokia.keystore or jolokia.tlsCert and jolokia.tlsKey, not both",
                assertThrows(IllegalArgumentException.class, () -> new EndpointOptions(JOLOKIA, "127.0.0.1", 1, "", "",
                        true, Path.of("k.p12"), "", Path.of("c.pem"), Path.of("k.pem"), HttpLimits.DEFAULTS))
                        .getMessage());
        assertTrue(plain.withPem(Path.of("c.pem"), Path.of("k.pem")).https());
    }

    @Test
    void portOutOfRangeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JolokiaOptions.loopback(65536));
        assertEquals("jolokia.port: expecting 0-65535, found 65536", e.getMessage());
    }

    @Test
    void nullsBecomeEmptyAndKeystoreStaysAbsent() {
        EndpointOptions options = new EndpointOptions(JOLOKIA, "localhost", 1, null, null, false, null, null, null, null,
                HttpLimits.DEFAULTS);
        assertEquals("", options.user());
        assertEquals("", options.password());
        assertEquals("", options.keystorePassword());
        assertNull(options.keystore());
    }

    @Test
    void toStringMasksPasswords() {
        String text = JolokiaOptions.loopback(0).http().withCredentials("ops", "s3cret").withKeystore(Path.of("k.p12"), "kp")
                .toString();
        assertFalse(text.contains("s3cret"), text);
        assertFalse(text.contains("=kp"), text);
        assertTrue(text.contains("user=ops"), text);
    }
}
