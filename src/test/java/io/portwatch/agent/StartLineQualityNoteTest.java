package io.portwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.SocketSources;
import io.portwatch.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;

/**
 * The start line says once, as one clause, which quality checks the rows ask for that this host's socket source
 * cannot judge; a source that measures TCP quality (netlink) makes no such clause.
 */
class StartLineQualityNoteTest {

    @TempDir
    Path definitions;

    @Test
    void theStartLineNamesTheQualityChecksTheSourceCannotJudgeOnce() throws Exception {
        Files.writeString(definitions.resolve("monitoredTcpConnects.csv"),
                "id,remoteIP,remotePort,procName,maxRttMs\ndb,10.1.2.3,5432,java,100\n");
        Settings settings = Settings.resolve(Map.of("definitions", definitions.toString(), "interval", "60",
                "prometheus.enabled", "false", "jolokia.enabled", "false"), "--", Map.of());
        boolean measures = SocketSources.create(settings.get(SettingKey.SCAN_SOURCE), System.getProperty("os.name", ""),
                ScanOptions.of(settings.get(SettingKey.NAMESPACES), settings.get(SettingKey.SCAN_LISTEN_BACKLOG),
                        settings.get(SettingKey.SCAN_READER), true))
                .measuresTcpQuality();
        List<String> started;
        try (LogCapture log = new LogCapture()) {
            PortwatchRuntime.start(settings).close();
            started = log.messages(Level.INFO).stream().filter(m -> m.contains(" started in pid "))
                    .collect(Collectors.toList());
        }
        assertEquals(1, started.size(), started.toString());
        String note = "; stalled (1 row), maxRttMs (1 row) need the netlink reader: the ";
        assertEquals(measures ? 0 : 1, started.get(0).split(java.util.regex.Pattern.quote(note), -1).length - 1,
                started.get(0));
        assertTrue(measures || started.get(0).endsWith("source does not measure TCP quality, so they give no verdict"),
                started.get(0));
    }
}
