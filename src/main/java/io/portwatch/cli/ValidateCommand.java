package io.portwatch.cli;

import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.HostName;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.health.QualityNote;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketSources;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * {@code validate}: checks settings and both definitions files, prints the problems and warnings (at most
 * 100 of each per file, then how many more) and their count; exit 0 when clean, 1 with warnings only (rows
 * that load, but not as written), 2 with problems.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Checks the settings and both definitions files and prints every problem and warning.",
                "Exit code: 0 when clean, 1 with warnings only (the rows load), 2 with problems."})
final class ValidateCommand extends SettingsOptions {

    /** For testing only: the socket source whose measuring is judged (null: the one the settings ask for). */
    SocketSource source;

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
        qualityNote(settings, loaded).ifPresent(n -> out.println("note: " + n));
        loaded.warningLines().forEach(out::println);
        loaded.problemLines().forEach(out::println);
        if (loaded.ok()) {
            out.println((loaded.hasWarnings() ? "OK with warnings: " : "OK: ")
                    + loaded.definitions().listening().size() + " listening and "
                    + loaded.definitions().connections().size() + " connection rows in "
                    + settings.getPath(SettingKey.DEFINITIONS));
        } else {
            out.println(loaded.problemCount() + " problem(s) in " + settings.getPath(SettingKey.DEFINITIONS));
        }
        out.flush();
        return !loaded.ok() ? 2 : loaded.hasWarnings() ? 1 : 0;
    }

    /** What the rows ask of connection quality that this platform's source cannot measure (a note: exit unchanged). */
    private Optional<String> qualityNote(Settings settings, DefinitionsLoadResult loaded) {
        SocketSource source;
        try {
            source = this.source != null ? this.source : OneScan.source(settings);
        } catch (SocketSources.UnsupportedPlatformException e) {
            return Optional.empty(); // no source here at all: nothing to say about what it measures
        }
        return QualityNote.of(loaded.definitions().forHost(HostName.of(settings)), source.measuresTcpQuality(), source.name(),
                settings.getInt(SettingKey.CONNECTIONS_STALL_SECONDS));
    }
}
