package io.portwatch.cli;

import io.portwatch.health.Health;
import io.portwatch.support.Times;
import org.jolokia.json.parser.JSONParser;
import org.jolokia.json.parser.ParseException;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code check --from=URL}: the health a running portwatch (daemon or agent) published, read over its Jolokia
 * endpoint with one read of {@code portwatch:*} instead of a scan of this host's own. The answer becomes the same
 * {@link CheckReport} a local check makes. Bounded: {@link #DEADLINE} for everything, at most {@link #MAX_ANSWER}
 * bytes of answer; no redirect followed, no proxy used.
 */
final class RemoteCheck {

    /** Connecting, asking and reading the whole answer together take at most this long. */
    static final Duration DEADLINE = Duration.ofSeconds(10);
    /** The largest answer read; a larger one is refused. */
    static final int MAX_ANSWER = 16 * 1024 * 1024;
    /** Results older than this many scan intervals are not reported as the health. */
    static final int STALE_INTERVALS = 3;
    /** The largest CA or password file read. */
    static final int MAX_FILE = 1024 * 1024;

    private static final String READ_ALL = "{\"type\":\"read\",\"mbean\":\"portwatch:*\"}";

    /** Why the check could not report the health: the UNKNOWN status text. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Where and how to ask.
     *
     * @param url      the Jolokia URL, e.g. {@code http://127.0.0.1:8778/jolokia/}
     * @param user     the basic-authentication user, empty for none
     * @param password its password
     * @param caFile   PEM certificates to trust for https instead of the JDK's, or null
     */
    record Target(URI url, String user, String password, Path caFile) {
    }

    private RemoteCheck() {
    }

    /** The report of the portwatch at {@code target}, as of {@code clock}'s now. */
    static CheckReport read(Target target, Clock clock) throws Failure {
        Map<String, Object> answer = fetch(target);
        return report(target.url(), answer, clock.instant());
    }

    /** The URL given to {@code --from}, checked. */
    static URI url(String text) throws Failure {
        URI uri;
        try {
            uri = new URI(text);
        } catch (Exception e) {
            throw new Failure("--from: not a URL: " + text);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new Failure("--from: expecting an http:// or https:// URL of a Jolokia endpoint, got " + text);
        }
        if (uri.getUserInfo() != null) {
            throw new Failure("--from: no user or password in the URL; use --user and --password-file");
        }
        return uri;
    }

    /** The first line of a password file, bounded. */
    static String password(Path file) throws Failure {
        String text = new String(readFile(file, "--password-file"), StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    private static byte[] readFile(Path file, String option) throws Failure {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE + 1);
            if (bytes.length > MAX_FILE) {
                throw new Failure(option + " " + file + ": larger than " + MAX_FILE + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new Failure(option + " " + file + ": cannot read: " + e.getMessage());
        }
    }

    private static Map<String, Object> fetch(Target target) throws Failure {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "portwatch-check-from");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Map<String, Object>> answer = thread.submit(() -> ask(target));
            try {
                return answer.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                answer.cancel(true);
                throw new Failure(target.url() + " did not answer within " + DEADLINE.toSeconds() + " s");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Failure f) {
                    throw f;
                }
                throw new Failure(target.url() + ": " + why(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure("interrupted while asking " + target.url());
            }
        } finally {
            thread.shutdownNow();
        }
    }

    private static Map<String, Object> ask(Target target) throws Failure, IOException, InterruptedException {
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(DEADLINE)
                .followRedirects(HttpClient.Redirect.NEVER).proxy(HttpClient.Builder.NO_PROXY);
        if (target.caFile() != null) {
            client.sslContext(trusting(target.caFile()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url()).timeout(DEADLINE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(READ_ALL));
        if (!target.user().isEmpty()) {
            String pair = target.user() + ":" + target.password();
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<InputStream> response;
        try {
            response = client.build().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new Failure(target.url() + " does not answer: connection refused (is portwatch running?)");
        } catch (HttpTimeoutException e) {
            throw new Failure(target.url() + " did not answer within " + DEADLINE.toSeconds() + " s");
        }
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_ANSWER + 1);
        }
        int status = response.statusCode();
        if (status == 401) {
            throw new Failure(target.url() + " answered 401 Unauthorized: "
                    + (target.user().isEmpty() ? "it needs --user and a password" : "wrong user or password"));
        }
        if (status == 403) {
            throw new Failure(target.url() + " answered 403 Forbidden: " + errorOf(body));
        }
        if (status != 200) {
            throw new Failure(target.url() + " answered HTTP " + status + ": " + errorOf(body));
        }
        if (body.length > MAX_ANSWER) {
            throw new Failure(target.url() + ": the answer is larger than " + MAX_ANSWER + " bytes");
        }
        Map<String, Object> answer = parse(target.url(), body);
        long inner = number(answer.get("status"), 0);
        if (inner != 200) {
            throw new Failure(target.url() + " answered " + inner + ": " + text(answer.get("error")));
        }
        return answer;
    }

    private static String errorOf(byte[] body) {
        try {
            Object parsed = new JSONParser().parse(new String(body, StandardCharsets.UTF_8));
            if (parsed instanceof Map<?, ?> map && map.get("error") != null) {
                return text(map.get("error"));
            }
        } catch (ParseException | IOException | RuntimeException e) {
            // not Jolokia's JSON: say what was there
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "(no body)" : text;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(URI url, byte[] body) throws Failure {
        try {
            Object parsed = new JSONParser().parse(new String(body, StandardCharsets.UTF_8));
            if (parsed instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (ParseException | IOException | RuntimeException e) {
            throw new Failure(url + ": not a Jolokia answer: " + e.getMessage());
        }
        throw new Failure(url + ": not a Jolokia answer (no JSON object)");
    }

    private static SSLContext trusting(Path caFile) throws Failure {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new java.io.ByteArrayInputStream(readFile(caFile, "--ca-file")))) {
                trust.setCertificateEntry("ca" + n++, c);
            }
            if (n == 0) {
                throw new Failure("--ca-file " + caFile + ": no PEM certificate in it");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new Failure("--ca-file " + caFile + ": " + why(e));
        }
    }

    /** The Jolokia answer of a read of {@code portwatch:*} as a report; refused when stale or not scanned yet. */
    static CheckReport report(URI url, Map<String, Object> answer, Instant now) throws Failure {
        if (!(answer.get("value") instanceof Map<?, ?> value)) {
            throw new Failure(url + ": not a Jolokia read answer (no value)");
        }
        Map<String, ?> agent = null;
        List<Map<String, ?>> listening = new ArrayList<>();
        List<Map<String, ?>> connections = new ArrayList<>();
        Map<Integer, String> names = new HashMap<>();
        for (Map.Entry<?, ?> e : value.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> raw)) {
                continue;
            }
            Map<String, ?> attributes = attributes(raw);
            String type = type(String.valueOf(e.getKey()));
            switch (type) {
                case "Agent" -> agent = attributes;
                case "ListeningPort" -> listening.add(attributes);
                case "TcpConnection" -> connections.add(attributes);
                case "Process" -> processNames(attributes, names);
                default -> {
                }
            }
        }
        if (agent == null) {
            throw new Failure(url + " has no portwatch:type=Agent: not a portwatch Jolokia endpoint?");
        }
        String lastScan = text(agent.get("LastScanTime"));
        if (lastScan.isEmpty()) {
            throw new Failure(url + ": portwatch has not scanned yet" + lastError(agent));
        }
        Instant scannedAt;
        try {
            scannedAt = Instant.parse(lastScan);
        } catch (DateTimeParseException e) {
            throw new Failure(url + ": LastScanTime is not a time: " + lastScan);
        }
        long interval = number(agent.get("IntervalSeconds"), 0);
        Duration age = Duration.between(scannedAt, now);
        if (interval > 0 && age.compareTo(Duration.ofSeconds(interval * STALE_INTERVALS)) > 0) {
            throw new Failure(url + ": the last scan is " + age.toSeconds() + " s old (" + Times.iso(scannedAt)
                    + "), older than " + STALE_INTERVALS + " intervals of " + interval + " s" + lastError(agent));
        }
        List<String> warnings = new ArrayList<>();
        if (Boolean.TRUE.equals(agent.get("Stale"))) {
            warnings.add("the last scan failed, the rows are those of " + Times.iso(scannedAt) + ": "
                    + text(agent.get("LastScanError")));
        }
        if (agent.get("ConfigErrors") instanceof List<?> errors) {
            errors.forEach(err -> warnings.add("not in force: " + text(err)));
        }
        List<CheckReport.Row> rows = new ArrayList<>();
        listening.sort(BY_SOURCE);
        connections.sort(BY_SOURCE);
        listening.forEach(a -> rows.add(row("listening", a, names)));
        connections.forEach(a -> rows.add(row("connection", a, names)));
        return new CheckReport(lastScan, number(agent.get("LastScanDurationMillis"), 0) / 1e3,
                (int) number(agent.get("Sockets"), 0), warnings, rows);
    }

    private static String lastError(Map<String, ?> agent) {
        String error = text(agent.get("LastScanError"));
        return error.isEmpty() ? "" : "; last scan error: " + error;
    }

    /** The definitions' order: by file, then by line ({@code Source} is {@code file:line}). */
    private static final Comparator<Map<String, ?>> BY_SOURCE = Comparator
            .comparing((Map<String, ?> a) -> file(text(a.get("Source"))))
            .thenComparingLong(a -> line(text(a.get("Source"))))
            .thenComparing(a -> text(a.get("Id")));

    private static String file(String source) {
        int colon = source.lastIndexOf(':');
        return colon < 0 ? source : source.substring(0, colon);
    }

    private static long line(String source) {
        int colon = source.lastIndexOf(':');
        try {
            return colon < 0 ? 0 : Long.parseLong(source.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static CheckReport.Row row(String kind, Map<String, ?> a, Map<Integer, String> names) {
        List<?> sockets = a.get("MatchedSockets") instanceof List<?> l ? l : List.of();
        List<?> netns = a.get("MatchedNetns") instanceof List<?> l ? l : List.of();
        List<CheckReport.Matched> matched = new ArrayList<>();
        for (int i = 0; i < sockets.size(); i++) {
            String socket = text(sockets.get(i));
            int pid = pidOf(socket);
            matched.add(new CheckReport.Matched(socket, pid, pid < 0 ? "" : names.getOrDefault(pid, ""),
                    i < netns.size() ? text(netns.get(i)) : ""));
        }
        Health health;
        try {
            health = Health.valueOf(text(a.get("HealthName")));
        } catch (IllegalArgumentException e) {
            health = Health.RED;
        }
        return new CheckReport.Row(kind, text(a.get("Id")), health, text(a.get("Severity")), text(a.get("Reason")),
                text(a.get("Comment")), text(a.get("TestedAt")), text(a.get("NetstatWatcherKey")), matched,
                a.get("RttSeconds") instanceof Number n ? n.doubleValue() : -1);
    }

    /** The pid at the end of {@code tcp ... LISTEN pid 42}; -1 when none. */
    private static int pidOf(String socket) {
        int at = socket.lastIndexOf(" pid ");
        try {
            return at < 0 ? -1 : Integer.parseInt(socket.substring(at + 5));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Pid to process name from a Process MBean; the buckets name no process, a reserved name loses its extra _. */
    private static void processNames(Map<String, ?> process, Map<Integer, String> names) {
        String name = text(process.get("Name"));
        if (name.equals("other") || name.equals("unknown")) {
            return;
        }
        String real = (name.startsWith("other_") || name.startsWith("unknown_")) && name.endsWith("_")
                && name.chars().skip(name.startsWith("other") ? 5 : 7).allMatch(c -> c == '_')
                ? name.substring(0, name.length() - 1) : name;
        if (process.get("Pids") instanceof List<?> pids) {
            pids.forEach(p -> names.put((int) number(p, -1), real));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> attributes(Map<?, ?> raw) {
        return (Map<String, ?>) raw;
    }

    private static String type(String objectName) {
        try {
            String type = new ObjectName(objectName).getKeyProperty("type");
            return type == null ? "" : type;
        } catch (MalformedObjectNameException e) {
            return "";
        }
    }

    private static long number(Object value, long otherwise) {
        return value instanceof Number n ? n.longValue() : otherwise;
    }

    private static String text(Object value) {
        return value == null ? "" : String.valueOf(value);
    }

    private static String why(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
