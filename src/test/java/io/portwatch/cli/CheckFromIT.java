package io.portwatch.cli;

import io.portwatch.http.TestCertificates;
import io.portwatch.testing.Poll;
import org.jolokia.json.JSONObject;
import org.jolokia.json.parser.JSONParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code check --from=URL} against a real daemon ({@code java -jar portwatch.jar run}) on loopback: what it prints is
 * what a local {@code check} of the same definitions prints, over plain HTTP and over basic authentication with TLS;
 * a daemon that refuses, does not answer or has stopped scanning makes it UNKNOWN (exit 3) saying why.
 */
class CheckFromIT {

    /** The same password, "s3cret", as a bcrypt hash (see AuthAndTlsTest). */
    private static final String HASH = "$2y$10$abcdefghijklmnopqrstuu3KWNuWLhBnmgYfnzONPueahDuedC/lu";
    /** How long a daemon whose scans fail may take until the check calls it stale (3 intervals of 1 s and more). */
    private static final Duration STALE_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private ServerSocket listener;
    private Path definitions;

    /** Rows GREEN (the test's own listener), YELLOW (it, expecting another owner) and RED (a closed port). */
    @BeforeEach
    void definitions() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        int closed;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        definitions = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(definitions.resolve("monitoredListeningPorts.csv"),
                "ipProtocol,localIP,localPort,procName,comment,id\n"
                        + "tcp,127.0.0.1," + listener.getLocalPort() + ",java,the test's listener,mine\n"
                        + "tcp,127.0.0.1," + closed + ",,nothing listens here,closed\n"
                        + "tcp,127.0.0.1," + listener.getLocalPort() + ",nginx,expects another owner,other-owner\n");
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    @Test
    void theTableAndStatusLineAreThoseOfALocalCheck() throws Exception {
        try (Daemon daemon = Daemon.start(dir, definitions, List.of())) {
            JarProcess.Result local = JarProcess.run("check", "--definitions=" + definitions);
            JarProcess.Result remote = JarProcess.run("check", "--from=" + daemon.url());

            assertEquals(2, local.exitCode(), local.output());
            assertEquals(local.exitCode(), remote.exitCode(), remote.output());
            assertEquals(withoutScanFigures(local.output()), withoutScanFigures(remote.output()));
            assertTrue(remote.output().contains("java/" + ProcessHandle.current().pid()), remote.output());
        }
    }

    @Test
    void theJsonIsThatOfALocalCheck() throws Exception {
        try (Daemon daemon = Daemon.start(dir, definitions, List.of())) {
            JarProcess.Result local = JarProcess.run("check", "--format=json", "--definitions=" + definitions);
            JarProcess.Result remote = JarProcess.run("check", "--format=json", "--from=" + daemon.url());

            assertEquals(local.exitCode(), remote.exitCode(), remote.output());
            assertEquals(comparable(local.output()), comparable(remote.output()));
        }
    }

    @Test
    void basicAuthenticationAndTlsGiveTheSameOutputAsALocalCheck() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("tls")));
        Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
        try (Daemon daemon = Daemon.start(dir, definitions, List.of(), "--jolokia.user=ops", "--jolokia.password=" + HASH,
                "--jolokia.https=true", "--jolokia.tlsCert=" + certs.cert(), "--jolokia.tlsKey=" + certs.key())) {
            assertTrue(daemon.url().startsWith("https://"), daemon.url());
            String local = withoutScanFigures(JarProcess.run("check", "--definitions=" + definitions).output());

            JarProcess.Result fromFile = JarProcess.run("check", "--from=" + daemon.url(), "--user=ops",
                    "--password-file=" + password, "--ca-file=" + certs.cert());
            assertEquals(2, fromFile.exitCode(), fromFile.output());
            assertEquals(local, withoutScanFigures(fromFile.output()));

            JarProcess.Result fromVariable = JarProcess.run(Map.of(CheckCommand.PASSWORD_VARIABLE, "s3cret"),
                    "check", "--from=" + daemon.url(), "--user=ops", "--ca-file=" + certs.cert());
            assertEquals(local, withoutScanFigures(fromVariable.output()));
        }
    }

    @Test
    void aWrongPasswordIsUnknownNaming401() throws Exception {
        TestCertificates certs = TestCertificates.create(Files.createDirectories(dir.resolve("tls")));
        try (Daemon daemon = Daemon.start(dir, definitions, List.of(), "--jolokia.user=ops", "--jolokia.password=" + HASH,
                "--jolokia.https=true", "--jolokia.tlsCert=" + certs.cert(), "--jolokia.tlsKey=" + certs.key())) {
            JarProcess.Result wrong = JarProcess.run(Map.of(CheckCommand.PASSWORD_VARIABLE, "guess"),
                    "check", "--from=" + daemon.url(), "--user=ops", "--ca-file=" + certs.cert());
            assertEquals(3, wrong.exitCode(), wrong.output());
            assertTrue(wrong.output().startsWith("PORTWATCH UNKNOWN - " + daemon.url() + " answered 401 Unauthorized"),
                    wrong.output());

            JarProcess.Result none = JarProcess.run("check", "--from=" + daemon.url(), "--ca-file=" + certs.cert());
            assertEquals(3, none.exitCode(), none.output());
            assertTrue(none.output().contains("401"), none.output());

            // a certificate the check does not trust: UNKNOWN, nothing read
            JarProcess.Result untrusted = JarProcess.run(Map.of(CheckCommand.PASSWORD_VARIABLE, "s3cret"),
                    "check", "--from=" + daemon.url(), "--user=ops");
            assertEquals(3, untrusted.exitCode(), untrusted.output());
            assertTrue(untrusted.output().startsWith("PORTWATCH UNKNOWN - " + daemon.url()), untrusted.output());
        }
    }

    @Test
    void aStoppedDaemonIsUnknown() throws Exception {
        String url;
        try (Daemon daemon = Daemon.start(dir, definitions, List.of())) {
            url = daemon.url();
        }
        JarProcess.Result r = JarProcess.run("check", "--from=" + url);
        assertEquals(3, r.exitCode(), r.output());
        assertEquals("PORTWATCH UNKNOWN - " + url + " does not answer: connection refused (is portwatch running?)\n",
                r.output());
        JarProcess.Result json = JarProcess.run("check", "--format=json", "--from=" + url);
        assertEquals(3, json.exitCode(), json.output());
        assertTrue(json.output().contains("\"status\": \"PORTWATCH UNKNOWN - "), json.output());
    }

    /**
     * A daemon whose scans fail (its socket tables hidden by a bind mount in a mount namespace of its own) keeps its
     * last results: fresh for 3 intervals, then the check says UNKNOWN and why, not the old health.
     */
    @Test
    void aDaemonWhoseLastScanIsOlderThanThreeIntervalsIsUnknown() throws Exception {
        assertTrue("root".equals(System.getProperty("user.name")), "mounting in the daemon's namespace needs root:"
                + " run the integration tests as bin/test does");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        // the /proc reader, whose tables an empty directory mounted over /proc/PID/net takes away (netlink has no file)
        try (Daemon daemon = Daemon.start(dir, definitions, List.of("unshare", "-m", "--propagation", "private"),
                "--namespaces=own", "--scan.reader=proc")) {
            assertEquals(2, JarProcess.run("check", "--from=" + daemon.url()).exitCode(), "fresh: the health");
            run("nsenter", "-t", String.valueOf(daemon.pid()), "-m", "mount", "--bind", empty.toString(),
                    "/proc/" + daemon.pid() + "/net");

            JarProcess.Result stale = Poll.value(STALE_WITHIN, daemon::log, () -> {
                JarProcess.Result r = JarProcess.run("check", "--from=" + daemon.url());
                return r.exitCode() == 3 ? r : null;
            });
            assertTrue(stale.output().startsWith("PORTWATCH UNKNOWN - " + daemon.url() + ": the last scan is "),
                    stale.output());
            assertTrue(stale.output().contains("older than 3 intervals of 1 s; last scan error: "), stale.output());
            assertTrue(daemon.log().contains("scan failed, keeping the last results (stale)"), daemon.log());
        }
    }

    @Test
    void aUrlThatIsNotHttpAndAPasswordlessUserAreUnknown() throws Exception {
        JarProcess.Result ftp = JarProcess.run("check", "--from=ftp://127.0.0.1/");
        assertEquals(3, ftp.exitCode(), ftp.output());
        assertTrue(ftp.output().contains("expecting an http:// or https:// URL"), ftp.output());
        JarProcess.Result user = JarProcess.run("check", "--from=http://127.0.0.1:1/jolokia/", "--user=ops");
        assertEquals(3, user.exitCode(), user.output());
        assertTrue(user.output().contains("--user ops needs a password"), user.output());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + new String(p.getInputStream().readAllBytes()));
    }

    /** The output with the figures of the one scan each way left out: socket count and scan time. */
    private static String withoutScanFigures(String output) {
        return output.replaceFirst(" sockets=\\d+ scan_time=[0-9.]+s", "");
    }

    /** The JSON with the scan's own figures and times left out. */
    private static Object comparable(String json) throws Exception {
        JSONObject root = new JSONParser().parse(json, JSONObject.class);
        root.put("status", withoutScanFigures((String) root.get("status")));
        root.remove("scannedAt");
        root.remove("scanSeconds");
        root.remove("sockets");
        for (Object row : (List<?>) root.get("rows")) {
            ((Map<?, ?>) row).remove("testedAt");
        }
        return root;
    }
}
