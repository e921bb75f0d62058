package io.portwatch.cli;

import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.health.ConnectionResult;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningResult;
import io.portwatch.health.RowResult;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.support.Times;
import io.portwatch.text.Json;
import io.portwatch.text.Printable;
import io.portwatch.text.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code check}: one scan, one evaluation, a table of every row or JSON. Exit codes follow the
 * Nagios plugin convention, and the first line is a Nagios status line with perfdata. With
 * {@code --format=json} the output is JSON whatever happens, also when it cannot run:
 * {@code {"status": "PORTWATCH UNKNOWN - ...", "errors": [...]}} and exit 3.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Scans once and evaluates every row.",
                "Exit code: 0 all GREEN, 1 worst YELLOW, 2 any RED, 3 could not run (Nagios/Icinga convention).",
                "Any setting may be given as --key=value."})
final class CheckCommand extends SettingsOptions {

    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;

    /** The widest comment the table shows; JSON has it whole. */
    static final int COMMENT_SHOWN = 40;

    enum Format { table, json }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return check(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int check(PrintWriter out, PrintWriter err) {
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
            snapshot = OneScan.scan(settings);
        } catch (Exception e) {
            return unknown(out, "cannot scan sockets: " + e.getMessage(), List.of(String.valueOf(e.getMessage())));
        }
        Evaluation evaluation = OneScan.evaluate(settings, loaded.definitions(), snapshot);
        Health worst = evaluation.worst();
        if (format == Format.json) {
            out.println(Json.write(toJson(evaluation, snapshot, loaded.warningLines())));
        } else {
            out.println(statusLine(evaluation, snapshot));
            table(evaluation, snapshot).print(out);
            if (evaluation.rows().findAny().isEmpty()) {
                out.println("(no rows for this host in " + settings.getPath(SettingKey.DEFINITIONS) + ")");
            }
            loaded.warningLines().forEach(w -> err.println("warning: " + w));
        }
        return worst == Health.GREEN ? OK : worst == Health.YELLOW ? WARNING : CRITICAL;
    }

    /** Could not run: the UNKNOWN status line and the errors, as text or as JSON; exit 3. */
    private int unknown(PrintWriter out, String why, List<String> errors) {
        String status = "PORTWATCH UNKNOWN - " + statusText(why);
        if (format == Format.json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("status", status);
            root.put("errors", errors);
            out.println(Json.write(root));
        } else {
            out.println(status);
            // each error once, each on one line
            errors.stream().map(Printable::of).filter(e -> !status.contains(e)).forEach(out::println);
        }
        return UNKNOWN;
    }

    /**
     * {@code PORTWATCH CRITICAL - 1 RED, 0 YELLOW, 3 GREEN: id: reason | green=3 yellow=0 red=1 ...}: one line,
     * one {@code |} ({@link #statusText}).
     */
    static String statusLine(Evaluation evaluation, Snapshot snapshot) {
        Health worst = evaluation.worst();
        String status = worst == Health.GREEN ? "OK" : worst == Health.YELLOW ? "WARNING" : "CRITICAL";
        long green = evaluation.count(Health.GREEN);
        long yellow = evaluation.count(Health.YELLOW);
        long red = evaluation.count(Health.RED);
        StringBuilder line = new StringBuilder("PORTWATCH ").append(status).append(" - ")
                .append(red).append(" RED, ").append(yellow).append(" YELLOW, ").append(green).append(" GREEN");
        Optional<RowResult> first = evaluation.rows().filter(r -> r.health() == worst && worst != Health.GREEN).findFirst();
        first.ifPresent(r -> line.append(statusText(": " + r.id() + ": " + r.reason())));
        line.append(" | green=").append(green).append(" yellow=").append(yellow).append(" red=").append(red)
                .append(" sockets=").append(snapshot.sockets().size())
                .append(String.format(Locale.ROOT, " scan_time=%.3fs", snapshot.duration().toNanos() / 1e9));
        return line.toString();
    }

    /**
     * Text for the status line before its perfdata: one line, whatever a process or definitions row is named.
     * Names are printable from where they entered (docs/design.md §5, rule 4; applying {@link Printable} again
     * changes nothing); here a {@code |}, which would start the perfdata, is written {@code \x7c} as well.
     */
    static String statusText(String text) {
        return Printable.of(text).replace("|", "\\x7c");
    }

    private static TextTable table(Evaluation evaluation, Snapshot snapshot) {
        TextTable table = new TextTable("KIND", "ID", "HEALTH", "PROCESS", "REASON", "COMMENT");
        for (ListeningResult r : evaluation.listening()) {
            table.row("listening", r.id(), r.health(), owner(r, snapshot), r.reason(), shown(r.row().comment()));
        }
        for (ConnectionResult r : evaluation.connections()) {
            table.row("connection", r.id(), r.health(), owner(r, snapshot), r.reason(), shown(r.row().comment()));
        }
        return table;
    }

    /** The comment on one line, at most {@value #COMMENT_SHOWN} characters ({@code ...} where cut). */
    static String shown(String comment) {
        String line = comment.replaceAll("\\s+", " ").strip();
        return line.length() <= COMMENT_SHOWN ? line : line.substring(0, COMMENT_SHOWN - 3) + "...";
    }

    private static String comment(RowResult r) {
        return r instanceof ListeningResult ? ((ListeningResult) r).row().comment()
                : ((ConnectionResult) r).row().comment();
    }

    /** {@code java/1234} of the first matched socket, {@code -} when none. */
    private static String owner(RowResult result, Snapshot snapshot) {
        for (SocketEntry s : result.matched()) {
            if (snapshot.owner(s).isPresent()) {
                return snapshot.owner(s).get().name() + "/" + s.pid();
            }
        }
        return "-";
    }

    private static Map<String, Object> toJson(Evaluation evaluation, Snapshot snapshot, List<String> warnings) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("status", statusLine(evaluation, snapshot));
        root.put("worst", evaluation.worst().name());
        root.put("warnings", warnings);
        root.put("scannedAt", Times.iso(snapshot.takenAt()));
        root.put("scanSeconds", snapshot.duration().toNanos() / 1e9);
        root.put("sockets", snapshot.sockets().size());
        List<Object> rows = new ArrayList<>();
        evaluation.rows().forEach(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", r instanceof ListeningResult ? "listening" : "connection");
            row.put("id", r.id());
            row.put("health", r.health().name());
            row.put("healthCode", r.health().code());
            row.put("severity", r.severity().label());
            row.put("reason", r.reason());
            row.put("comment", comment(r));
            row.put("testedAt", Times.iso(r.testedAt()));
            row.put("netstatWatcherKey", r.netstatWatcherKey());
            List<Object> matched = new ArrayList<>();
            for (SocketEntry s : r.matched()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("socket", s.toString());
                m.put("pid", s.pid());
                m.put("process", snapshot.owner(s).map(p -> p.name()).orElse(""));
                m.put("netns", s.netns().name());
                matched.add(m);
            }
            row.put("matched", matched);
            rows.add(row);
        });
        root.put("rows", rows);
        return root;
    }
}
