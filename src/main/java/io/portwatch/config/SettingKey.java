package io.portwatch.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The one catalogue of settings: key, default and meaning. The settings table of docs/settings.md is
 * generated from it (and a test keeps them equal). Each key can be given as {@code --key=value} on the
 * command line, {@code key=value} in agent arguments, in a properties file named by
 * {@code config=FILE}, or as environment variable {@code PORTWATCH_KEY} (dots become underscores,
 * upper case); in that precedence.
 */
public enum SettingKey {
    CONFIG("config", "", Type.PATH, "properties file with more settings (key=value lines)"),
    ENABLED("enabled", "true", Type.BOOLEAN, "false turns portwatch off (also the system property portwatch.enabled=false)"),
    DEFINITIONS("definitions", "config", Type.PATH,
            "directory holding monitoredListeningPorts.csv and monitoredTcpConnects.csv"),
    INTERVAL("interval", "15", Type.SECONDS, "scan interval in seconds (1-86400)"),
    HOST("host", "", Type.STRING, "this host's name for the host column and NetstatWatcher keys; empty = the OS host name"),
    UNEXPECTED_LISTENERS("unexpectedListeners", "off", Type.choice("off", "warn"),
            "off, or warn to report every listener that no listening row covers"),
    UNEXPECTED_LISTENERS_IGNORE("unexpectedListeners.ignore", "", Type.STRING,
            "listeners never reported as unexpected: tcp:PORT, udp:PORT (ranges allowed) or process globs, comma-separated"),
    CONNECTIONS_STALL_SECONDS("connections.stallSeconds", "30", Type.SECONDS,
            "seconds unacknowledged data may wait for an acknowledgement before a connection is stalled (netlink reader)"),
    DNS_REFRESH("dns.refresh", "60", Type.SECONDS, "seconds between lookups of remoteName addresses (off the scan path)"),
    SCAN_SOURCE("scan.source", "auto", Type.choice("auto", "linux", "windows", "macos"),
            "socket source: auto picks the one for os.name"),
    SCAN_READER("scan.reader", "auto", Type.choice("auto", "netlink", "proc"),
            "Linux: how own-namespace sockets are read: netlink, proc, or auto (netlink; as an agent on JDK 24+ only"
                    + " with native access)"),
    SCAN_LISTEN_BACKLOG("scan.listenBacklog", "auto", Type.choice("auto", "ss", "off"),
            "Linux, proc reader only: listener backlogs from ss (a child process, once per new listener), off,"
                    + " or auto (ss, not as an agent)"),
    NAMESPACES("namespaces", "all", Type.choice("all", "own"),
            "Linux network namespaces scanned: all (containers, ip netns) or own (only portwatch's own)"),
    JOLOKIA_ENABLED("jolokia.enabled", "true", Type.BOOLEAN, "serve the MBeans over Jolokia HTTP"),
    JOLOKIA_HOST("jolokia.host", "127.0.0.1", Type.STRING,
            "address Jolokia binds to; a non-loopback address needs jolokia.user and jolokia.password"),
    JOLOKIA_PORT("jolokia.port", "8778", Type.PORT, "Jolokia HTTP port (0 picks a free port)"),
    JOLOKIA_USER("jolokia.user", "", Type.STRING, "user for HTTP basic authentication on Jolokia"),
    JOLOKIA_PASSWORD("jolokia.password", "", Type.STRING,
            "password of jolokia.user: a bcrypt hash ($2y$..., see hash-password) or, discouraged, the plain text"),
    JOLOKIA_HTTPS("jolokia.https", "false", Type.BOOLEAN,
            "serve Jolokia over https (TLS 1.2+; needs jolokia.keystore or jolokia.tlsCert and jolokia.tlsKey)"),
    JOLOKIA_KEYSTORE("jolokia.keystore", "", Type.PATH, "PKCS12 keystore with the https certificate and key"),
    JOLOKIA_KEYSTORE_PASSWORD("jolokia.keystorePassword", "", Type.STRING, "password of jolokia.keystore"),
    JOLOKIA_TLS_CERT("jolokia.tlsCert", "", Type.PATH, "PEM file with the https certificate (chain), instead of a keystore"),
    JOLOKIA_TLS_KEY("jolokia.tlsKey", "", Type.PATH, "PEM file with the unencrypted PKCS#8 private key of jolokia.tlsCert"),
    JOLOKIA_MAX_BULK_REQUESTS("jolokia.maxBulkRequests", "100", Type.COUNT,
            "most requests in one Jolokia bulk request; a larger bulk is refused whole"),
    JOLOKIA_MAX_RESPONSE_SIZE("jolokia.maxResponseSize", "1MB", Type.SIZE,
            "largest Jolokia answer built; the requests of a bulk past it are not run (an error entry each, status 413)"),
    PROMETHEUS_ENABLED("prometheus.enabled", "true", Type.BOOLEAN, "serve the Prometheus endpoint"),
    PROMETHEUS_HOST("prometheus.host", "127.0.0.1", Type.STRING,
            "address the Prometheus endpoint binds to; a non-loopback address needs prometheus.user and prometheus.password"),
    PROMETHEUS_PORT("prometheus.port", "9798", Type.PORT, "Prometheus endpoint port (0 picks a free port); path /metrics"),
    PROMETHEUS_USER("prometheus.user", "", Type.STRING, "user for HTTP basic authentication on /metrics"),
    PROMETHEUS_PASSWORD("prometheus.password", "", Type.STRING,
            "password of prometheus.user: a bcrypt hash ($2y$..., see hash-password) or, discouraged, the plain text"),
    PROMETHEUS_HTTPS("prometheus.https", "false", Type.BOOLEAN,
            "serve /metrics over https (TLS 1.2+; needs prometheus.keystore or prometheus.tlsCert and prometheus.tlsKey)"),
    PROMETHEUS_KEYSTORE("prometheus.keystore", "", Type.PATH, "PKCS12 keystore with the https certificate and key"),
    PROMETHEUS_KEYSTORE_PASSWORD("prometheus.keystorePassword", "", Type.STRING, "password of prometheus.keystore"),
    PROMETHEUS_TLS_CERT("prometheus.tlsCert", "", Type.PATH,
            "PEM file with the https certificate (chain), instead of a keystore"),
    PROMETHEUS_TLS_KEY("prometheus.tlsKey", "", Type.PATH,
            "PEM file with the unencrypted PKCS#8 private key of prometheus.tlsCert"),
    PROMETHEUS_PID_LABEL("prometheus.pidLabel", "false", Type.BOOLEAN,
            "add a pid label to portwatch_process_sockets (more series)"),
    PROMETHEUS_NETNS_LABEL("prometheus.netnsLabel", "false", Type.BOOLEAN,
            "split portwatch_process_sockets by network namespace with a netns label (more series)"),
    PROMETHEUS_MAX_RESPONSE_SIZE("prometheus.maxResponseSize", "8MB", Type.SIZE,
            "largest /metrics exposition; when all rows would not fit, the worst rows are served, the rest counted"),
    PROMETHEUS_MAX_CONCURRENT_SCRAPES("prometheus.maxConcurrentScrapes", "32", Type.COUNT,
            "/metrics responses written at once (they share one copy of the bytes); one more scrape gets 503 at once"),
    PROCESSES_MAX("processes.max", "200", Type.COUNT,
            "most process names with their own Process MBean and portwatch_process_sockets series; the rest are summed as \"other\""),
    HTTP_MAX_CONNECTIONS("http.maxConnections", "100", Type.COUNT,
            "open connections per endpoint; when full, the longest-silent connection is closed for a new one"),
    HTTP_READ_TIMEOUT("http.readTimeout", "10", Type.SECONDS,
            "seconds a client has to send a whole request (headers and body) or finish a TLS handshake, per endpoint"),
    HTTP_MAX_BODY_SIZE("http.maxBodySize", "1MB", Type.SIZE,
            "largest request body an endpoint accepts; a larger one is answered 413 before it is read"),
    HTTP_WRITE_TIMEOUT("http.writeTimeout", "10", Type.SECONDS,
            "seconds an endpoint has to build and send an answer; a client reading it slower is cut, per endpoint"),
    HTTP_MAX_BYTES_IN_FLIGHT("http.maxBytesInFlight", "16MB", Type.SIZE,
            "bytes of answers built and not yet sent, per endpoint; when full, new requests are answered 503"),
    FILES_STRICT_MODES("files.strictModes", "true", Type.BOOLEAN,
            "use definitions and history only where root or portwatch's own user alone could put files"
                    + " (as sshd's StrictModes); false is unsafe"),
    HISTORY_DIR("history.dir", "", Type.PATH, "directory for the activity log; empty = no history"),
    HISTORY_MAX_SIZE("history.maxSize", "5MB", Type.SIZE, "rotate the events file when it reaches this size"),
    HISTORY_ROTATE("history.rotate", "size,daily,start", Type.STRING, "when to rotate: any of size, daily, start"),
    HISTORY_KEEP("history.keep", "10", Type.COUNT, "rotated files kept per log");

    private final String key;
    private final String defaultValue;
    private final Type type;
    private final String description;

    SettingKey(String key, String defaultValue, Type type, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.type = type;
        this.description = description;
    }

    /** The key as users write it, e.g. {@code unexpectedListeners.ignore}. */
    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    Type type() {
        return type;
    }

    /** The environment variable for this key, e.g. {@code PORTWATCH_UNEXPECTEDLISTENERS_IGNORE}. */
    public String environmentVariable() {
        return "PORTWATCH_" + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The key named by {@code name} (exact, case-sensitive as documented). */
    public static Optional<SettingKey> byKey(String name) {
        return Arrays.stream(values()).filter(k -> k.key.equals(name)).findFirst();
    }

    /** The key for an environment variable name. */
    static Optional<SettingKey> byEnvironmentVariable(String name) {
        return Arrays.stream(values()).filter(k -> k.environmentVariable().equals(name)).findFirst();
    }

    /** How a value is checked. */
    static final class Type {
        static final Type STRING = new Type("text", null);
        static final Type PATH = new Type("a path", null);
        static final Type BOOLEAN = choice("true", "false");
        static final Type SECONDS = new Type("a whole number of seconds 1-86400", v -> inRange(v, 1, 86400));
        static final Type PORT = new Type("a port 0-65535", v -> inRange(v, 0, 65535));
        static final Type COUNT = new Type("a whole number 1-100000", v -> inRange(v, 1, 100000));
        static final Type SIZE = new Type("a size such as 5MB, 512KB or 1000000", v -> parseSize(v) > 0);

        private final String expectation;
        private final java.util.function.Predicate<String> valid;

        private Type(String expectation, java.util.function.Predicate<String> valid) {
            this.expectation = expectation;
            this.valid = valid;
        }

        static Type choice(String... values) {
            return new Type(String.join(" or ", values), v -> Arrays.asList(values).contains(v.toLowerCase(Locale.ROOT)));
        }

        String expectation() {
            return expectation;
        }

        boolean accepts(String value) {
            try {
                return valid == null || valid.test(value.trim());
            } catch (RuntimeException e) {
                return false;
            }
        }

        private static boolean inRange(String v, long lo, long hi) {
            if (v.isEmpty() || v.length() > 9 || !v.chars().allMatch(Character::isDigit)) {
                return false;
            }
            long n = Long.parseLong(v);
            return n >= lo && n <= hi;
        }
    }

    /** Bytes for {@code 5MB}, {@code 512KB}, {@code 1GB} or a plain number; -1 when not a size. */
    static long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("KB")) {
            unit = 1024;
        } else if (t.endsWith("MB")) {
            unit = 1024 * 1024;
        } else if (t.endsWith("GB")) {
            unit = 1024L * 1024 * 1024;
        }
        String digits = unit == 1 ? t : t.substring(0, t.length() - 2).trim();
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Long.parseLong(digits) * unit;
    }
}
