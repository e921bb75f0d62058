package io.portwatch.cli;

import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The base of every command that takes settings (not a command itself): the options {@code --definitions=DIR} and
 * any other key of the settings catalogue as {@code --key=value}, and the settings they resolve to.
 */
abstract class SettingsOptions implements Callable<Integer> {

    @Option(names = "--definitions", paramLabel = "DIR",
            description = "Directory with monitoredListeningPorts.csv and monitoredTcpConnects.csv (default: config).")
    String definitions;

    @Unmatched
    List<String> settingArguments = new ArrayList<>();

    @Spec
    CommandSpec spec;

    /** The settings from these arguments, the config file and the environment. */
    Settings settings() throws SettingsException {
        List<String> args = new ArrayList<>(settingArguments);
        if (definitions != null) {
            args.add("--definitions=" + definitions);
        }
        Map<String, String> parsed = Settings.parseCommandLine(args);
        return Settings.resolve(parsed, "--", System.getenv());
    }
}
