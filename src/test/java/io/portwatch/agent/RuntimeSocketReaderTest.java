package io.portwatch.agent;

import io.portwatch.config.Settings;
import io.portwatch.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Collectors;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code scan.reader} chose is one word in the start line and the Agent MBean's {@code SocketReader}. */
class RuntimeSocketReaderTest {

    @TempDir
    Path definitions;

    private String[] startLineAndAttribute(String reader, boolean ownJvm) throws Exception {
        Map<String, String> args = Map.of("definitions", definitions.toString(), "scan.reader", reader,
                "prometheus.enabled", "false", "jolokia.enabled", "false");
        try (LogCapture log = new LogCapture()) {
            PortwatchRuntime runtime = PortwatchRuntime.start(Settings.resolve(args, "--", Map.of()), ownJvm);
            try {
                List<String> started = log.messages(Level.INFO).stream().filter(m -> m.contains(" started in pid "))
                        .collect(Collectors.toList());
                assertEquals(1, started.size(), started.toString());
                Object attribute = ManagementFactory.getPlatformMBeanServer()
                        .getAttribute(new ObjectName("portwatch:type=Agent"), "SocketReader");
                return new String[] {started.get(0), String.valueOf(attribute)};
            } finally {
                runtime.close();
            }
        }
    }

    @Test
    void procIsNamedInTheStartLineAndTheMBean() throws Exception {
        String[] r = startLineAndAttribute("proc", false);
        assertTrue(r[0].contains(": linux sockets from proc every "), r[0]);
        assertEquals("proc", r[1]);
    }

    @Test
    void netlinkChosenIsNamedAsWhatWasReallyUsed() throws Exception {
        // netlink where it opens, proc (after one log line) where it cannot: the line and the MBean say the same
        String[] r = startLineAndAttribute("netlink", true);
        assertTrue(r[0].contains(": linux sockets from " + r[1] + " every "), r[0]);
        assertTrue(r[1].equals("netlink") || r[1].equals("proc"), r[1]);
    }
}
