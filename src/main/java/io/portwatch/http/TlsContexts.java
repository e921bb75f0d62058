package io.portwatch.http;

import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TLS side of an endpoint: TLS 1.2 and 1.3 only, the server key and certificate from a PKCS12
 * keystore or from PEM files (what Prometheus' exporter-toolkit {@code tls_server_config} takes:
 * a certificate chain and an unencrypted PKCS#8 key). Everything is read and checked when the
 * endpoint starts, so a bad file is one clear error naming the setting and the file.
 */
final class TlsContexts {

    /** Certificate and key files are small; a larger one is a mistake, not read. */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final char[] IN_MEMORY = "portwatch".toCharArray();
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private TlsContexts() {
    }

    /** A started-ready Jetty SSL factory for the endpoint's https options. */
    static SslContextFactory.Server of(EndpointOptions options) throws IOException {
        KeyStore keys;
        char[] password;
        if (options.keystore() != null) {
            password = options.keystorePassword().toCharArray();
            keys = keystore(options, password);
        } else {
            password = IN_MEMORY;
            keys = fromPem(options);
        }
        SslContextFactory.Server factory = new SslContextFactory.Server();
        factory.setKeyStore(keys);
        factory.setKeyStorePassword(new String(password));
        factory.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        factory.setRenegotiationAllowed(false);
        return factory;
    }

    private static KeyStore keystore(EndpointOptions options, char[] password) throws IOException {
        Path file = options.keystore();
        byte[] bytes = read(file, options.keys().keystore().key());
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, password);
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IOException(options.keys().keystore().key() + ": cannot use " + file + ": " + why(e), e);
        }
    }

    private static KeyStore fromPem(EndpointOptions options) throws IOException {
        String certKey = options.keys().tlsCert().key();
        String keyKey = options.keys().tlsKey().key();
        List<? extends Certificate> chain;
        byte[] certBytes = read(options.tlsCert(), certKey);
        try (InputStream in = new ByteArrayInputStream(certBytes)) {
            chain = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException(certKey + ": cannot use " + options.tlsCert() + ": " + why(e), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certKey + ": no certificate in " + options.tlsCert());
        }
        PrivateKey key = privateKey(new String(read(options.tlsKey(), keyKey), StandardCharsets.US_ASCII),
                options.tlsKey(), keyKey);
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("portwatch", key, IN_MEMORY, chain.toArray(new Certificate[0]));
            return keys;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException(keyKey + ": the key in " + options.tlsKey() + " does not go with the certificate in "
                    + options.tlsCert() + ": " + why(e), e);
        }
    }

    /** The unencrypted PKCS#8 key of a PEM file; other forms get a message saying how to convert them. */
    static PrivateKey privateKey(String pem, Path file, String setting) throws IOException {
        Matcher m = PEM.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("PRIVATE KEY")) {
                byte[] der;
                try {
                    der = Base64.getMimeDecoder().decode(m.group(2));
                } catch (IllegalArgumentException e) {
                    throw new IOException(setting + ": " + file + ": the PRIVATE KEY block is not base64");
                }
                for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448")) {
                    try {
                        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    } catch (GeneralSecurityException e) {
                        // try the next algorithm
                    }
                }
                throw new IOException(setting + ": " + file + ": a PKCS#8 key of an algorithm other than RSA, EC or EdDSA");
            }
            if (type.endsWith("PRIVATE KEY")) {
                throw new IOException(setting + ": " + file + " holds a \"" + type + "\"; expecting an unencrypted PKCS#8"
                        + " \"PRIVATE KEY\" (convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)");
            }
        }
        throw new IOException(setting + ": no \"-----BEGIN PRIVATE KEY-----\" block in " + file);
    }

    private static byte[] read(Path file, String setting) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(setting + ": " + file + (Files.exists(file) ? " is not a regular file" : " not found"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IOException(setting + ": " + file + " is larger than 1 MiB, not read");
            }
            return bytes;
        }
    }

    private static String why(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
