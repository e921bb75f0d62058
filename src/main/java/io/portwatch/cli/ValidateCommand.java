package io.portwatch.cli;

import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code validate}: checks settings and both definitions files, prints the problems (at most 100 per
 * file, then how many more) and their count; exit 0 or 2.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks the settings and both definitions files and prints every problem.",
                "Exit code: 0 when valid, 2 when not."})
final class ValidateCommand extends SettingsCommand {

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Settings settings;
        try {
            settings = settings();
        } catch (SettingsException e) {
            e.problems().forEach(out::println);
            out.flush();
            return 2;
        }
        DefinitionsLoadResult loaded = OneScan.definitions(settings);
        loaded.notes().forEach(n -> out.println("note: " + n));
        loaded.problemLines().forEach(out::println);
        if (loaded.ok()) {
            out.println("OK: " + loaded.definitions().listening().size() + " listening and "
                    + loaded.definitions().connections().size() + " connection rows in "
                    + settings.getPath(SettingKey.DEFINITIONS));
        } else {
            out.println(loaded.problemCount() + " problem(s) in " + settings.getPath(SettingKey.DEFINITIONS));
        }
        out.flush();
        return loaded.ok() ? 0 : 2;
    }
}
