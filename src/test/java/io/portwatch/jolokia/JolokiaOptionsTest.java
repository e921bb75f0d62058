package io.portwatch.jolokia;

import io.portwatch.config.Settings;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JolokiaOptionsTest {

    @Test
    void defaultsAreLoopbackOnJolokiasPortWithoutAuthentication() {
        JolokiaOptions options = JolokiaOptions.of(Settings.defaults());
        assertEquals(new JolokiaOptions("127.0.0.1", 8778, "", "", false, null, ""), options);
        assertFalse(options.authenticated());
    }

    @Test
    void readsEveryJolokiaSetting() throws Exception {
        Settings settings = Settings.resolve(Map.of("jolokia.host", "10.0.0.5", "jolokia.port", "0",
                "jolokia.user", "ops", "jolokia.password", "s3cret", "jolokia.https", "true",
                "jolokia.keystore", "/etc/portwatch/jolokia.p12", "jolokia.keystorePassword", "kp"), "--", Map.of());
        JolokiaOptions options = JolokiaOptions.of(settings);
        assertEquals(new JolokiaOptions("10.0.0.5", 0, "ops", "s3cret", true, Path.of("/etc/portwatch/jolokia.p12"), "kp"),
                options);
        assertTrue(options.authenticated());
    }

    @Test
    void userWithoutPasswordIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JolokiaOptions("127.0.0.1", 8778, "ops", "", false, null, ""));
        assertEquals("jolokia.user and jolokia.password must be given together", e.getMessage());
    }

    @Test
    void httpsWithoutKeystoreIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JolokiaOptions("127.0.0.1", 8778, "", "", true, null, ""));
        assertEquals("jolokia.https=true needs jolokia.keystore", e.getMessage());
    }

    @Test
    void portOutOfRangeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JolokiaOptions.loopback(65536));
        assertEquals("jolokia.port: expecting 0-65535, found 65536", e.getMessage());
    }

    @Test
    void nullsBecomeEmptyAndKeystoreStaysAbsent() {
        JolokiaOptions options = new JolokiaOptions("localhost", 1, null, null, false, null, null);
        assertEquals("", options.user());
        assertEquals("", options.password());
        assertEquals("", options.keystorePassword());
        assertNull(options.keystore());
    }

    @Test
    void toStringMasksPasswords() {
        String text = JolokiaOptions.loopback(0).withCredentials("ops", "s3cret")
                .withHttps(Path.of("k.p12"), "kp").toString();
        assertFalse(text.contains("s3cret"), text);
        assertFalse(text.contains("=kp"), text);
        assertTrue(text.contains("user=ops"), text);
    }
}
