package io.portwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

class SettingsTest {

    @Test
    void defaultsComeFromTheCatalogue() {
        Settings s = Settings.defaults();
        assertEquals("config", s.get(SettingKey.DEFINITIONS));
        assertEquals(15, s.getInt(SettingKey.INTERVAL));
        assertEquals("off", s.get(SettingKey.UNEXPECTED_LISTENERS));
        assertEquals("", s.get(SettingKey.UNEXPECTED_LISTENERS_IGNORE));
        assertEquals("127.0.0.1", s.get(SettingKey.JOLOKIA_HOST));
        assertEquals(8778, s.getInt(SettingKey.JOLOKIA_PORT));
        assertEquals(9798, s.getInt(SettingKey.PROMETHEUS_PORT));
        assertEquals(5L * 1024 * 1024, s.getBytes(SettingKey.HISTORY_MAX_SIZE));
        assertEquals("default", s.origin(SettingKey.INTERVAL));
    }

    @Test
    void precedenceIsArgumentsThenConfigFileThenEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("portwatch.properties");
        Files.writeString(file, "interval=20\ndns.refresh=30\n");
        Map<String, String> env = Map.of("PORTWATCH_INTERVAL", "25", "PORTWATCH_DNS_REFRESH", "35",
                "PORTWATCH_HOST", "envhost", "PORTWATCH_CONFIG", file.toString());
        Settings s = Settings.resolve(Map.of("interval", "10"), "--", env);
        assertEquals(10, s.getInt(SettingKey.INTERVAL));
        assertEquals("--interval", s.origin(SettingKey.INTERVAL));
        assertEquals(30, s.getInt(SettingKey.DNS_REFRESH));
        assertEquals("config file " + file, s.origin(SettingKey.DNS_REFRESH));
        assertEquals("envhost", s.get(SettingKey.HOST));
        assertEquals("environment PORTWATCH_HOST", s.origin(SettingKey.HOST));
    }

    @Test
    void environmentVariableNamesAreUpperCaseWithUnderscores() {
        assertEquals("PORTWATCH_UNEXPECTEDLISTENERS_IGNORE", SettingKey.UNEXPECTED_LISTENERS_IGNORE.environmentVariable());
        assertEquals("PORTWATCH_JOLOKIA_PORT", SettingKey.JOLOKIA_PORT.environmentVariable());
    }

    @Test
    void unknownKeysAreErrorsThatNameTheKey(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.properties");
        Files.writeString(file, "colour=blue\n");
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.resolve(
                Map.of("intervall", "5", "config", file.toString(), "Interval", "3"), "--", Map.of("PORTWATCH_NOPE", "1")));
        assertEquals(List.of(
                "unknown setting PORTWATCH_NOPE (environment)",
                "unknown setting --intervall",
                "unknown setting --Interval; did you mean interval?",
                "unknown setting colour (config file " + file + ")"),
                e.problems().stream().sorted((a, b) -> order(a) - order(b)).toList());
    }

    private static int order(String problem) {
        return problem.contains("PORTWATCH") ? 0 : problem.contains("intervall") ? 1 : problem.contains("Interval") ? 2 : 3;
    }

    @Test
    void badValuesNameKeyExpectationValueAndOrigin() {
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.resolve(
                Map.of("interval", "0", "unexpectedListeners", "loud"), "agent argument ", Map.of()));
        assertEquals(List.of(
                "interval: expecting a whole number of seconds 1-86400 (found \"0\") (agent argument interval)",
                "unexpectedListeners: expecting off or warn (found \"loud\") (agent argument unexpectedListeners)"),
                e.problems());
    }

    @Test
    void netnsLabelIsABooleanOffByDefaultLikePidLabel() throws SettingsException {
        assertEquals(false, Settings.defaults().getBoolean(SettingKey.PROMETHEUS_NETNS_LABEL));
        assertEquals(true, Settings.resolve(Map.of(), "--", Map.of("PORTWATCH_PROMETHEUS_NETNSLABEL", "true"))
                .getBoolean(SettingKey.PROMETHEUS_NETNS_LABEL));
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.resolve(
                Map.of("prometheus.netnsLabel", "yes", "prometheus.pidLabel", "1"), "--", Map.of()));
        assertEquals(List.of(
                "prometheus.netnsLabel: expecting true or false (found \"yes\") (--prometheus.netnsLabel)",
                "prometheus.pidLabel: expecting true or false (found \"1\") (--prometheus.pidLabel)"),
                e.problems().stream().sorted().toList());
    }

    @Test
    void badIgnoreEntryIsNamed() {
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.resolve(
                Map.of("unexpectedListeners.ignore", "tcp:99999"), "--", Map.of()));
        assertEquals(List.of("unexpectedListeners.ignore: entry \"tcp:99999\": expecting 1-65535 (found \"99999\")"
                + " (--unexpectedListeners.ignore)"), e.problems());
    }

    @Test
    void unreadableConfigFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");
        SettingsException e = assertThrows(SettingsException.class,
                () -> Settings.resolve(Map.of("config", missing.toString()), "--", Map.of()));
        assertEquals(List.of("config: cannot read " + missing + ": NoSuchFileException: " + missing), e.problems());
    }

    @Test
    void agentArgumentsKeepCommasInsideLists() throws SettingsException {
        Map<String, String> parsed = Settings.parseAgentArguments("interval=5,unexpectedListeners.ignore=tcp:22,udp:53,host=a");
        assertEquals(Map.of("interval", "5", "unexpectedListeners.ignore", "tcp:22,udp:53", "host", "a"), parsed);
        assertThrows(SettingsException.class, () -> Settings.parseAgentArguments("oops"));
    }

    @Test
    void commandLineSettingsNeedDoubleDashAndEquals() throws SettingsException {
        assertEquals(Map.of("interval", "5"), Settings.parseCommandLine(List.of("--interval=5")));
        SettingsException e = assertThrows(SettingsException.class, () -> Settings.parseCommandLine(List.of("--interval", "5")));
        assertEquals(List.of("argument \"--interval\": expecting --key=value", "argument \"5\": expecting --key=value"),
                e.problems());
    }
}
