package io.portwatch.agent;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.support.DaemonThreads;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Starts portwatch inside a host JVM: parses the agent arguments, refuses a second load, and starts
 * the runtime on a daemon thread. Every failure is one log line; nothing escapes.
 */
final class AgentLauncher {

    private static final System.Logger LOG = System.getLogger("io.portwatch");
    /** Claimed by the first load; agents loaded by -javaagent or attach share the system class loader, so this is JVM-wide. */
    private static final AtomicBoolean CLAIMED = new AtomicBoolean();

    private AgentLauncher() {
    }

    static void launch(String arguments) {
        try {
            if ("false".equalsIgnoreCase(System.getProperty("portwatch.enabled", "").trim())) {
                LOG.log(Level.INFO, "portwatch: disabled by the system property portwatch.enabled=false");
                return;
            }
            DaemonThreads.start("portwatch-start", () -> startQuietly(arguments));
        } catch (Throwable t) { // docs/design.md §5: premain never throws
            LOG.log(Level.WARNING, "portwatch: not started: " + t);
        }
    }

    private static void startQuietly(String arguments) {
        try {
            Settings settings = Settings.resolve(Settings.parseAgentArguments(arguments), "agent argument ", System.getenv());
            if (!settings.getBoolean(SettingKey.ENABLED)) {
                LOG.log(Level.INFO, "portwatch: disabled by the setting enabled=false");
                return;
            }
            if (!CLAIMED.compareAndSet(false, true) || PortwatchRuntime.isRunningInThisJvm()) {
                LOG.log(Level.WARNING, "portwatch: already running in this JVM; the second load does nothing");
                return;
            }
            PortwatchRuntime.start(settings, false);
        } catch (SettingsException e) {
            LOG.log(Level.WARNING, "portwatch: not started, bad settings: " + String.join("; ", e.problems()));
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "portwatch: not started: " + t);
        }
    }
}
