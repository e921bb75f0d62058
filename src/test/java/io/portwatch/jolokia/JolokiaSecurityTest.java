package io.portwatch.jolokia;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Basic authentication and https, over real HTTP on 127.0.0.1 port 0. */
class JolokiaSecurityTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path keys;
    private static Path keystore;

    private final TestMBeans mbeans = new TestMBeans();

    @BeforeAll
    static void keystore() throws Exception {
        keystore = generateKeystore(keys);
    }

    @BeforeEach
    void register() throws Exception {
        mbeans.register("portwatch:type=ListeningPort,name=secure", new TestMBeans.ListeningPort(2));
    }

    @AfterEach
    void unregister() throws Exception {
        mbeans.close();
    }

    @Test
    void basicAuthenticationIsRequiredWhenUserAndPasswordAreSet() throws Exception {
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(TestOptions.loopbackWith(h -> h.withCredentials("ops", "s3cret")))) {
            JolokiaClient anonymous = new JolokiaClient(endpoint.url());
            String health = "read/portwatch:type=ListeningPort,name=secure/Health";

            assertEquals(401, anonymous.get(health).httpStatus());
            assertEquals(401, anonymous.withBasicAuth("ops", "wrong").get(health).httpStatus());
            assertEquals(401, anonymous.withBasicAuth("other", "s3cret").get(health).httpStatus());

            JolokiaClient.Response ok = anonymous.withBasicAuth("ops", "s3cret").get(health);
            assertEquals(200, ok.httpStatus());
            assertEquals(2, ((Number) ok.value()).intValue(), ok.body());
            // Jolokia's unauthenticated /config path of its own agent does not exist here
            assertEquals(401, anonymous.get("config").httpStatus());
        }
    }

    @Test
    void httpsServesWithTheKeystoresCertificate() throws Exception {
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(TestOptions.loopbackWith(h -> h.withKeystore(keystore, PASSWORD)))) {
            assertEquals("https", endpoint.url().getScheme());

            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5)).build();
            JolokiaClient.Response response = new JolokiaClient(endpoint.url(), trusting)
                    .get("read/portwatch:type=ListeningPort,name=secure/Health");
            assertEquals(200, response.httpStatus());
            assertEquals(2, ((Number) response.value()).intValue(), response.body());

            JolokiaClient defaultTrust = new JolokiaClient(endpoint.url());
            assertThrows(SSLHandshakeException.class, () -> defaultTrust.get("version"));
        }
    }

    @Test
    void httpsWithBasicAuthentication() throws Exception {
        JolokiaOptions options = TestOptions.loopbackWith(h -> h.withKeystore(keystore, PASSWORD).withCredentials("ops", "s3cret"));
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(options)) {
            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
            JolokiaClient client = new JolokiaClient(endpoint.url(), trusting);
            assertEquals(401, client.get("version").httpStatus());
            assertEquals(200, client.withBasicAuth("ops", "s3cret").get("version").status());
        }
    }

    @Test
    void wrongKeystorePasswordIsAnIOExceptionNamingTheSetting() throws Exception {
        IOException e = assertThrows(IOException.class,
                () -> JolokiaEndpoint.start(TestOptions.loopbackWith(h -> h.withKeystore(keystore, "wrong"))));
        assertTrue(e.getMessage().startsWith("jolokia.keystore: cannot use " + keystore + ": "), e.getMessage());
    }

    @Test
    void missingKeystoreIsAnIOExceptionNamingTheSetting(@TempDir Path dir) {
        Path missing = dir.resolve("missing.p12");
        IOException e = assertThrows(IOException.class,
                () -> JolokiaEndpoint.start(TestOptions.loopbackWith(h -> h.withKeystore(missing, PASSWORD))));
        assertEquals("jolokia.keystore: " + missing + " not found", e.getMessage());
    }

    /** A PKCS12 keystore with a self-signed certificate for 127.0.0.1, made by the JDK's keytool. */
    static Path generateKeystore(Path dir) throws IOException, InterruptedException {
        Path keystore = dir.resolve("jolokia.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", "portwatch",
                "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "keytool did not finish");
        assertEquals(0, process.exitValue(), output);
        assertTrue(Files.isRegularFile(keystore), output);
        return keystore;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
