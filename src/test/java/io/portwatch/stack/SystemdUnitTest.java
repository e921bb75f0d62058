package io.portwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit of the daemon. The parse test is the acceptance everywhere. When
 * {@code systemd-analyze} is installed and can verify a trivial unit in this environment (it can in
 * a plain Debian container with the systemd package, no running systemd needed), the unit is also
 * verified by it; CI installs it, and where it is absent or cannot run that test fails (a skip
 * would pass off an unverified unit as green).
 */
class SystemdUnitTest {

    static final String UNIT = "config/systemd/portwatch.service";

    @Test
    void unitRunsTheDaemonAsItsOwnUserWithOnlyTheCapabilitiesToSeeOtherUsersSockets() {
        Map<String, Map<String, List<String>>> unit = parse(Commands.read(UNIT));
        assertEquals(Set.of("Unit", "Service", "Install"), unit.keySet(), "sections");

        Map<String, List<String>> service = unit.get("Service");
        assertEquals("portwatch", single(service, "User"));
        String execStart = single(service, "ExecStart");
        assertTrue(execStart.matches("/\\S*/java -jar /opt/portwatch/portwatch\\.jar run --definitions=/etc/portwatch"),
                "ExecStart: " + execStart);
        Set<String> caps = Set.of("CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH");
        assertEquals(caps, words(single(service, "AmbientCapabilities")), "AmbientCapabilities");
        assertEquals(caps, words(single(service, "CapabilityBoundingSet")), "CapabilityBoundingSet");
        assertEquals("yes", single(service, "NoNewPrivileges"));
        assertEquals("strict", single(service, "ProtectSystem"));
        assertEquals("yes", single(service, "ProtectHome"));
        assertEquals("yes", single(service, "PrivateTmp"));
        assertEquals("/var/lib/portwatch", single(service, "ReadWritePaths"));
        assertEquals("on-failure", single(service, "Restart"));
        assertEquals("143", single(service, "SuccessExitStatus"), "a JVM stopped by SIGTERM exits 143: not a failure");
        assertEquals("multi-user.target", single(unit.get("Install"), "WantedBy"));
        assertFalse(single(unit.get("Unit"), "Description").isBlank(), "Description");
    }

    @Test
    void unitDoesNotHideTheHostsSocketsOrProcessesFromPortwatch() {
        Map<String, List<String>> service = parse(Commands.read(UNIT)).get("Service");
        // each of these would leave portwatch scanning an empty or partial world, or break the JIT
        for (String key : List.of("PrivateNetwork", "ProtectProc", "ProcSubset", "MemoryDenyWriteExecute",
                "PrivateUsers", "NetworkNamespacePath")) {
            assertFalse(service.containsKey(key), key + " must not be set: " + service.get(key));
        }
        String families = single(service, "RestrictAddressFamilies");
        assertTrue(words(families).contains("AF_NETLINK"), "a netlink (sock_diag) socket source needs AF_NETLINK: " + families);
    }

    @Test
    @Tag("systemd")
    void systemdAnalyzeVerifiesTheUnitWhereItCanRun(@TempDir Path dir) throws IOException {
        Optional<Path> analyze = Commands.onPath("systemd-analyze");
        assertTrue(analyze.isPresent(),
                "systemd-analyze is not installed: bin/test installs it (apt-get install systemd)");
        Path probe = dir.resolve("portwatch-probe.service");
        Files.writeString(probe, "[Unit]\nDescription=probe\n[Service]\nExecStart=/bin/true\n", StandardCharsets.UTF_8);
        Commands.Result probed = Commands.run(List.of(analyze.get().toString(), "verify", probe.toString()));
        assertTrue(probed.exitCode() == 0 && probed.output().isBlank(),
                "systemd-analyze cannot verify units in this environment (" + probed.output().strip()
                        + "): the parse tests are the acceptance of the unit");
        String java = single(parse(Commands.read(UNIT)).get("Service"), "ExecStart").split(" ")[0];
        assertTrue(Files.isExecutable(Path.of(java)),
                java + " does not exist here, and systemd-analyze verify rejects a missing ExecStart binary");

        Commands.Result result = Commands.run(List.of(analyze.get().toString(), "verify", UNIT));
        result.assertSuccess();
        // unknown keys and bad values are only warnings (exit 0): any line about the unit is a failure
        List<String> aboutUnit = result.output().lines().filter(l -> l.contains("portwatch")).collect(Collectors.toList());
        assertEquals(List.of(), aboutUnit, "systemd-analyze verify " + UNIT + ":\n" + result.output());
    }

    // ------------------------------------------------------------------ a small unit file reader

    /** Section to key to values (a key may repeat), per systemd.syntax(7): comments, continuations. */
    static Map<String, Map<String, List<String>>> parse(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        List<String> lines = new ArrayList<>(text.lines().collect(Collectors.toList()));
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            while (line.endsWith("\\") && i + 1 < lines.size()) {
                line = line.substring(0, line.length() - 1) + " " + lines.get(++i).strip();
            }
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                String name = line.substring(1, line.length() - 1);
                if (sections.containsKey(name)) {
                    fail(UNIT + ": section [" + name + "] twice");
                }
                current = new LinkedHashMap<>();
                sections.put(name, current);
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq <= 0) {
                fail(UNIT + ": not a section or key=value line: " + line);
            }
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>()).add(line.substring(eq + 1).strip());
        }
        return sections;
    }

    private static String single(Map<String, List<String>> section, String key) {
        List<String> values = section.get(key);
        if (values == null) {
            return fail(UNIT + ": no " + key + "=");
        }
        assertEquals(1, values.size(), UNIT + ": " + key + "= given " + values.size() + " times: " + values);
        return values.get(0);
    }

    private static Set<String> words(String value) {
        return Set.of(value.trim().split("\\s+"));
    }
}
