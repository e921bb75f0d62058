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
 */
public record EvaluationOptions(String hostName, boolean unexpectedListeners, ListenerIgnoreList ignore) {

    public EvaluationOptions {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(ignore, "ignore");
    }

    /** Defaults for a host: unexpected listeners off. */
    public static EvaluationOptions forHost(String hostName) {
        return new EvaluationOptions(hostName, false, ListenerIgnoreList.NONE);
    }

    /** The options the settings ask for. */
    public static EvaluationOptions of(Settings settings) {
        return new EvaluationOptions(HostName.of(settings),
                settings.get(SettingKey.UNEXPECTED_LISTENERS).equalsIgnoreCase("warn"),
                ListenerIgnoreList.parse(settings.get(SettingKey.UNEXPECTED_LISTENERS_IGNORE)));
    }
}
