package io.portwatch.cli;

import io.portwatch.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The docs/nagios.md recipe with the real thing: Debian's {@code nagios4} (package nagios4-core), with a
 * configuration of this test's own, runs as user {@code nagios} and checks a root daemon with
 * {@code check --from}. Its {@code status.dat} follows the daemon's rows: OK, WARNING, CRITICAL as the worst row is
 * GREEN, YELLOW, RED, with the perfdata; UNKNOWN once the daemon has stopped. Beside it, the same check without
 * {@code --from} as {@code nagios} cannot see who owns the root-owned listener: what {@code --from} is for.
 */
class NagiosIT {

    static final Path NAGIOS = Path.of("/usr/sbin/nagios4");
    static final String USER = "nagios";
    /** How long Nagios may take to run a check and write its result once the daemon's health changed. */
    private static final Duration RESULT_WITHIN = Duration.ofSeconds(120);

    private static final String HEADER = "ipProtocol,localIP,localPort,procName,comment,id\n";

    @TempDir
    Path dir;

    @Test
    void nagiosAsItsOwnUserFollowsTheRootDaemon() throws Exception {
        assertTrue("root".equals(System.getProperty("user.name")), "running Nagios as user nagios needs root:"
                + " run the integration tests as bin/test does");
        assertTrue(Files.isExecutable(NAGIOS), NAGIOS + " is missing: bin/test installs nagios4-core");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nagios reads the jar's path
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int closed;
            try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            String mine = "tcp,127.0.0.1," + listener.getLocalPort() + ",java,root's listener,mine\n";
            String otherOwner = "tcp,127.0.0.1," + listener.getLocalPort() + ",nginx,expects another owner,other-owner\n";
            String nothing = "tcp,127.0.0.1," + closed + ",,nothing listens here,closed\n";
            Path definitions = Files.createDirectories(dir.resolve("defs"));
            Files.setPosixFilePermissions(definitions, PosixFilePermissions.fromString("rwxr-xr-x"));
            write(definitions, HEADER + mine);

            try (Daemon daemon = Daemon.start(dir, definitions, List.of())) {
                Path nagios = configure(daemon.url(), definitions);
                Process process = new ProcessBuilder("setpriv", "--reuid=" + USER, "--regid=" + USER, "--init-groups",
                        NAGIOS.toString(), nagios.resolve("nagios.cfg").toString())
                        .redirectErrorStream(true).redirectOutput(nagios.resolve("nagios.out").toFile()).start();
                try {
                    Map<String, String> ok = await(nagios, "portwatch", 0, "PORTWATCH OK - 0 RED, 0 YELLOW, 1 GREEN");
                    assertPerfdata(ok, 1, 0, 0);

                    // the same check without --from, as nagios, on the same host: the owner of root's socket unseen
                    Map<String, String> local = await(nagios, "portwatch-local", 1, "PORTWATCH WARNING - 0 RED, 1 YELLOW");
                    assertTrue(local.get("plugin_output").contains("mine: "), local.toString());

                    write(definitions, HEADER + mine + otherOwner);
                    Map<String, String> warning = await(nagios, "portwatch", 1,
                            "PORTWATCH WARNING - 0 RED, 1 YELLOW, 1 GREEN: other-owner: ");
                    assertPerfdata(warning, 1, 1, 0);

                    write(definitions, HEADER + mine + otherOwner + nothing);
                    Map<String, String> critical = await(nagios, "portwatch", 2,
                            "PORTWATCH CRITICAL - 1 RED, 1 YELLOW, 1 GREEN: closed: nothing listens on tcp/" + closed);
                    assertPerfdata(critical, 1, 1, 1);

                    daemon.stop();
                    Map<String, String> unknown = await(nagios, "portwatch", 3,
                            "PORTWATCH UNKNOWN - " + daemon.url() + " does not answer");
                    assertEquals("", unknown.get("performance_data"), unknown.toString());
                } finally {
                    process.destroy();
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                }
            }
        }
    }

    /** Replaces the definitions file whole, so the daemon never reads half of it. */
    private static void write(Path definitions, String rows) throws IOException {
        Path next = Files.writeString(definitions.resolve("next.tmp"), rows);
        Files.move(next, definitions.resolve("monitoredListeningPorts.csv"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** A Nagios configuration of its own in a directory nagios owns: one host, the recipe's command, two services. */
    private Path configure(String url, Path definitions) throws Exception {
        Path d = Files.createDirectories(dir.resolve("nagios"));
        Files.createDirectories(d.resolve("checkresults"));
        String check = JarProcess.java() + " -jar " + JarProcess.jar().toAbsolutePath() + " check";
        Files.writeString(d.resolve("nagios.cfg"), String.join("\n",
                "cfg_file=" + d.resolve("objects.cfg"),
                "log_file=" + d.resolve("nagios.log"),
                "status_file=" + d.resolve("status.dat"),
                "status_update_interval=1",
                "temp_file=" + d.resolve("nagios.tmp"),
                "temp_path=" + d,
                "lock_file=" + d.resolve("nagios.lock"),
                "check_result_path=" + d.resolve("checkresults"),
                "state_retention_file=" + d.resolve("retention.dat"),
                "retain_state_information=0",
                "object_cache_file=" + d.resolve("objects.cache"),
                "precached_object_file=" + d.resolve("objects.precache"),
                "command_file=" + d.resolve("nagios.cmd"),
                "query_socket=" + d.resolve("nagios.qh"),
                "check_external_commands=0",
                "nagios_user=" + USER,
                "nagios_group=" + USER,
                "check_result_reaper_frequency=1",
                "max_check_result_reaper_time=1",
                "interval_length=1",
                "use_syslog=0",
                "log_rotation_method=n",
                "enable_notifications=0",
                "enable_flap_detection=0",
                "process_performance_data=0",
                "service_inter_check_delay_method=n",
                "max_service_check_spread=1",
                "check_workers=1",
                "execute_host_checks=0",
                "illegal_macro_output_chars=`~$&|'\"<>",
                ""));
        Files.writeString(d.resolve("objects.cfg"), String.join("\n",
                "define timeperiod {",
                "  timeperiod_name always",
                "  alias always",
                "  sunday 00:00-24:00",
                "  monday 00:00-24:00",
                "  tuesday 00:00-24:00",
                "  wednesday 00:00-24:00",
                "  thursday 00:00-24:00",
                "  friday 00:00-24:00",
                "  saturday 00:00-24:00",
                "}",
                "define command {",
                "  command_name notify_nobody",
                "  command_line /bin/true",
                "}",
                "define contact {",
                "  contact_name nobody",
                "  host_notifications_enabled 0",
                "  service_notifications_enabled 0",
                "  host_notification_period always",
                "  service_notification_period always",
                "  host_notification_options n",
                "  service_notification_options n",
                "  host_notification_commands notify_nobody",
                "  service_notification_commands notify_nobody",
                "}",
                // the recipe's command (docs/nagios.md), with this build's jar
                "define command {",
                "  command_name check_portwatch",
                "  command_line " + check + " --from=$ARG1$",
                "}",
                "define command {",
                "  command_name check_portwatch_local",
                "  command_line " + check + " --definitions=$ARG1$",
                "}",
                "define host {",
                "  host_name portwatch-host",
                "  alias portwatch host",
                "  address 127.0.0.1",
                "  max_check_attempts 1",
                "  check_period always",
                "  contacts nobody",
                "  notification_period always",
                "}",
                service("portwatch", "check_portwatch!" + url),
                service("portwatch-local", "check_portwatch_local!" + definitions),
                ""));
        Process chown = new ProcessBuilder("chown", "-R", USER + ":" + USER, d.toString()).inheritIO().start();
        assertTrue(chown.waitFor(30, TimeUnit.SECONDS) && chown.exitValue() == 0, "chown " + d);
        return d;
    }

    private static String service(String name, String command) {
        return String.join("\n",
                "define service {",
                "  host_name portwatch-host",
                "  service_description " + name,
                "  check_command " + command,
                "  max_check_attempts 1",
                "  check_interval 1",
                "  retry_interval 1",
                "  check_period always",
                "  contacts nobody",
                "  notification_period always",
                "}");
    }

    /** Polls status.dat until the service has that state and its output starts so; returns its status entries. */
    private static Map<String, String> await(Path nagios, String service, int state, String output) throws Exception {
        return Poll.value(RESULT_WITHIN, () -> "service " + service + " not " + state + " \"" + output + "\"; now "
                + status(nagios, service) + "\nnagios.log:\n" + Daemon.read(nagios.resolve("nagios.log")), () -> {
            Map<String, String> s = status(nagios, service);
            return String.valueOf(state).equals(s.get("current_state"))
                    && s.getOrDefault("plugin_output", "").startsWith(output) ? s : null;
        });
    }

    private static final Pattern BLOCK = Pattern.compile("servicestatus \\{\\n(.*?)\\n\\s*}", Pattern.DOTALL);

    /** The {@code servicestatus} block of one service in status.dat, key to value; empty before Nagios wrote it. */
    static Map<String, String> status(Path nagios, String service) {
        Matcher m = BLOCK.matcher(Daemon.read(nagios.resolve("status.dat")));
        while (m.find()) {
            Map<String, String> entries = new LinkedHashMap<>();
            for (String line : m.group(1).split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    entries.put(line.substring(0, eq).strip(), line.substring(eq + 1));
                }
            }
            if (service.equals(entries.get("service_description"))) {
                return entries;
            }
        }
        return Map.of();
    }

    /** The perfdata as Nagios parsed and kept it: the row counts, a socket count and the scan time in seconds. */
    private static void assertPerfdata(Map<String, String> status, int green, int yellow, int red) {
        Map<String, String> values = new HashMap<>();
        Map<String, String> units = new HashMap<>();
        Matcher m = Pattern.compile("(\\w+)=([0-9.]+)([a-z%]*)").matcher(status.get("performance_data"));
        while (m.find()) {
            values.put(m.group(1), m.group(2));
            units.put(m.group(1), m.group(3));
        }
        assertEquals(String.valueOf(green), values.get("green"), status.toString());
        assertEquals(String.valueOf(yellow), values.get("yellow"), status.toString());
        assertEquals(String.valueOf(red), values.get("red"), status.toString());
        assertTrue(Integer.parseInt(values.get("sockets")) > 0, status.toString());
        assertEquals("s", units.get("scan_time"), status.toString());
        assertTrue(Double.parseDouble(values.get("scan_time")) >= 0, status.toString());
    }
}
