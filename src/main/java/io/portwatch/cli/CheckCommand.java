package io.portwatch.cli;

import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.health.Evaluation;
import io.portwatch.scan.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * {@code check}: one scan, one evaluation, a table of every row or JSON. Exit codes follow the
 * Nagios plugin convention, and the first line is a Nagios status line with perfdata. With
 * {@code --format=json} the output is JSON whatever happens, also when it cannot run:
 * {@code {"status": "PORTWATCH UNKNOWN - ...", "errors": [...]}} and exit 3. With {@code --from=URL} it scans
 * nothing and reads what a running portwatch published ({@link RemoteCheck}); the output is the same
 * ({@link CheckOutput}).
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Scans once and evaluates every row, or with --from reads the health a running portwatch"
                + " published.",
                "Exit code: 0 all GREEN, 1 worst YELLOW, 2 any RED, 3 could not run (Nagios/Icinga convention).",
                "Any setting may be given as --key=value."})
final class CheckCommand extends SettingsOptions {

    static final int OK = CheckOutput.OK;
    static final int WARNING = CheckOutput.WARNING;
    static final int CRITICAL = CheckOutput.CRITICAL;
    static final int UNKNOWN = CheckOutput.UNKNOWN;

    /** The environment variable with the password of {@code --user} (never on the command line). */
    static final String PASSWORD_VARIABLE = "PORTWATCH_PASSWORD";

    enum Format { table, json }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--from", paramLabel = "URL",
            description = "Scan nothing: read the health a running portwatch published at this Jolokia URL"
                    + " (e.g. http://127.0.0.1:8778/jolokia/). UNKNOWN when it does not answer, refuses or its last"
                    + " scan is older than 3 intervals.")
    String from;

    @Option(names = "--user", paramLabel = "USER", defaultValue = "",
            description = "With --from: the user for basic authentication; the password comes from --password-file"
                    + " or the variable " + PASSWORD_VARIABLE + ".")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
            description = "With --from: a file whose first line is the password of --user.")
    Path passwordFile;

    @Option(names = "--ca-file", paramLabel = "FILE",
            description = "With --from and https: PEM certificate(s) to trust instead of the JDK's.")
    Path caFile;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return from == null ? check(out, err) : checkFrom(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int checkFrom(PrintWriter out, PrintWriter err) {
        CheckReport report;
        try {
            report = RemoteCheck.read(target(), Clock.systemUTC());
        } catch (RemoteCheck.Failure e) {
            return unknown(out, e.getMessage(), List.of(e.getMessage()));
        }
        return print(report, "(no rows for this host at " + from + ")", out, err);
    }

    private RemoteCheck.Target target() throws RemoteCheck.Failure {
        java.net.URI url = RemoteCheck.url(from);
        String password = "";
        if (passwordFile != null) {
            password = RemoteCheck.password(passwordFile);
        } else if (System.getenv(PASSWORD_VARIABLE) != null) {
            password = System.getenv(PASSWORD_VARIABLE);
        } else if (!user.isEmpty()) {
            throw new RemoteCheck.Failure("--user " + user + " needs a password: --password-file or " + PASSWORD_VARIABLE);
        }
        if (caFile != null && !"https".equalsIgnoreCase(url.getScheme())) {
            throw new RemoteCheck.Failure("--ca-file needs an https URL, got " + from);
        }
        return new RemoteCheck.Target(url, user, password, caFile);
    }

    private int check(PrintWriter out, PrintWriter err) {
        if (user.length() > 0 || passwordFile != null || caFile != null) {
            return unknown(out, "--user, --password-file and --ca-file go with --from", List.of());
        }
        Settings settings;
        try {
            settings = settings();
        } catch (SettingsException e) {
            return unknown(out, "bad settings: " + String.join("; ", e.problems()), e.problems());
        }
        DefinitionsLoadResult loaded = OneScan.definitions(settings);
        if (!loaded.ok()) {
            return unknown(out, loaded.problemCount() + " problem(s) in the definitions", loaded.problemLines());
        }
        Snapshot snapshot;
        try {
            snapshot = OneScan.scan(settings, loaded.definitions());
        } catch (Exception e) {
            return unknown(out, "cannot scan sockets: " + e.getMessage(), List.of(String.valueOf(e.getMessage())));
        }
        Evaluation evaluation = OneScan.evaluate(settings, loaded.definitions(), snapshot);
        CheckReport report = CheckReport.local(evaluation, snapshot, loaded.warningLines());
        return print(report, "(no rows for this host in " + settings.getPath(SettingKey.DEFINITIONS) + ")", out, err);
    }

    private int print(CheckReport report, String noRows, PrintWriter out, PrintWriter err) {
        if (format == Format.json) {
            out.println(CheckOutput.json(report));
        } else {
            CheckOutput.table(report, noRows, out, err);
        }
        return CheckOutput.exitCode(report);
    }

    private int unknown(PrintWriter out, String why, List<String> errors) {
        return CheckOutput.unknown(format == Format.json, why, errors, out);
    }
}
