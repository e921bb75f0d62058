package io.portwatch.health;

import io.portwatch.config.HostName;
import io.portwatch.config.ListenerIgnoreList;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;

import java.util.Objects;

/**
 * What the evaluation needs besides definitions and snapshot.
 *
 * @param hostName            this host's name, for the {@code host} column and NetstatWatcher keys
 * @param unexpectedListeners whether to report listeners no row covers
 * @param ignore              listeners never reported as unexpected
 * @param processesMax        most process names counted on their own ({@value ProcessSockets#UNKNOWN}
 *                            included); the rest are summed as {@value ProcessSockets#OTHER}
 * @param stallSeconds        {@code connections.stallSeconds}: the stall limit of rows without a {@code stallSeconds}
 *                            column (0 = off)
 */
public record EvaluationOptions(String hostName, boolean unexpectedListeners, ListenerIgnoreList ignore,
                                int processesMax, int stallSeconds) {

    /** {@code connections.stallSeconds}'s default. */
    public static final int DEFAULT_STALL_SECONDS =
            Integer.parseInt(SettingKey.CONNECTIONS_STALL_SECONDS.defaultValue());

    /** Options with {@code connections.stallSeconds} at its default. */
    public EvaluationOptions(String hostName, boolean unexpectedListeners, ListenerIgnoreList ignore,
                             int processesMax) {
        this(hostName, unexpectedListeners, ignore, processesMax, DEFAULT_STALL_SECONDS);
    }

    /** {@code processes.max}'s default. */
    public static final int DEFAULT_PROCESSES_MAX = Integer.parseInt(SettingKey.PROCESSES_MAX.defaultValue());

    public EvaluationOptions {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(ignore, "ignore");
        if (processesMax < 1) {
            throw new IllegalArgumentException("processesMax: expecting 1 or more, found " + processesMax);
        }
        if (stallSeconds < 0) {
            throw new IllegalArgumentException("stallSeconds: expecting 0 or more, found " + stallSeconds);
        }
    }

    /** Defaults for a host: unexpected listeners off, {@code processes.max} at its default. */
    public static EvaluationOptions forHost(String hostName) {
        return new EvaluationOptions(hostName, false, ListenerIgnoreList.NONE, DEFAULT_PROCESSES_MAX);
    }

    /** The options the settings ask for. */
    public static EvaluationOptions of(Settings settings) {
        return new EvaluationOptions(HostName.of(settings),
                settings.get(SettingKey.UNEXPECTED_LISTENERS).equalsIgnoreCase("warn"),
                ListenerIgnoreList.parse(settings.get(SettingKey.UNEXPECTED_LISTENERS_IGNORE)),
                settings.getInt(SettingKey.PROCESSES_MAX), settings.getInt(SettingKey.CONNECTIONS_STALL_SECONDS));
    }

    /** The same options with another {@code processesMax}. */
    public EvaluationOptions withProcessesMax(int max) {
        return new EvaluationOptions(hostName, unexpectedListeners, ignore, max, stallSeconds);
    }

    /** The same options with another {@code stallSeconds}. */
    public EvaluationOptions withStallSeconds(int seconds) {
        return new EvaluationOptions(hostName, unexpectedListeners, ignore, processesMax, seconds);
    }
}
