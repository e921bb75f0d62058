package io.portwatch.cli;

import io.portwatch.health.Health;
import io.portwatch.text.Json;
import io.portwatch.text.Printable;
import io.portwatch.text.TextTable;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one renderer of {@code check}: the Nagios status line with its perfdata, the table and the JSON, and the
 * exit code, all made from a {@link CheckReport}, whether the check scanned itself or read a running portwatch.
 */
final class CheckOutput {

    static final int OK = 0;
    static final int WARNING = 1;
    static final int CRITICAL = 2;
    static final int UNKNOWN = 3;

    /** The widest comment the table shows; JSON has it whole. */
    static final int COMMENT_SHOWN = 40;

    private CheckOutput() {
    }

    /** The exit code of the report's worst health (Nagios plugin convention). */
    static int exitCode(CheckReport report) {
        Health worst = report.worst();
        return worst == Health.GREEN ? OK : worst == Health.YELLOW ? WARNING : CRITICAL;
    }

    /**
     * The status line and table on {@code out}, warnings on {@code err}; {@code noRows} is said when the report has
     * no rows.
     */
    static void table(CheckReport report, String noRows, PrintWriter out, PrintWriter err) {
        out.println(statusLine(report));
        // an RTT column only when a row's RTT is known (the netlink reader): other readers' tables stay as they were
        boolean rtt = report.rows().stream().anyMatch(CheckReport.Row::rttKnown);
        TextTable table = rtt ? new TextTable("KIND", "ID", "HEALTH", "PROCESS", "RTT", "REASON", "COMMENT")
                : new TextTable("KIND", "ID", "HEALTH", "PROCESS", "REASON", "COMMENT");
        for (CheckReport.Row r : report.rows()) {
            if (rtt) {
                table.row(r.kind(), r.id(), r.health(), r.owner(), r.rttKnown() ? rttMs(r.rttSeconds()) : "-",
                        r.reason(), shown(r.comment()));
            } else {
                table.row(r.kind(), r.id(), r.health(), r.owner(), r.reason(), shown(r.comment()));
            }
        }
        table.print(out);
        if (report.rows().isEmpty()) {
            out.println(noRows);
        }
        report.warnings().forEach(w -> err.println("warning: " + w));
    }

    /** The report as one JSON object. */
    static String json(CheckReport report) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("status", statusLine(report));
        root.put("worst", report.worst().name());
        root.put("warnings", report.warnings());
        root.put("scannedAt", report.scannedAt());
        root.put("scanSeconds", report.scanSeconds());
        root.put("sockets", report.sockets());
        List<Object> rows = new ArrayList<>();
        for (CheckReport.Row r : report.rows()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", r.kind());
            row.put("id", r.id());
            row.put("health", r.health().name());
            row.put("healthCode", r.health().code());
            row.put("severity", r.severity());
            row.put("reason", r.reason());
            row.put("comment", r.comment());
            row.put("testedAt", r.testedAt());
            row.put("netstatWatcherKey", r.netstatWatcherKey());
            if (r.kind().equals("connection")) {
                row.put("rttMs", r.rttKnown() ? r.rttSeconds() * 1000 : null);
            }
            List<Object> matched = new ArrayList<>();
            for (CheckReport.Matched s : r.matched()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("socket", s.socket());
                m.put("pid", s.pid());
                m.put("process", s.process());
                m.put("netns", s.netns());
                matched.add(m);
            }
            row.put("matched", matched);
            rows.add(row);
        }
        root.put("rows", rows);
        return Json.write(root);
    }

    /** Could not run: the UNKNOWN status line and the errors, as text or as JSON; returns exit code 3. */
    static int unknown(boolean json, String why, List<String> errors, PrintWriter out) {
        String status = "PORTWATCH UNKNOWN - " + statusText(why);
        if (json) {
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
    static String statusLine(CheckReport report) {
        Health worst = report.worst();
        String status = worst == Health.GREEN ? "OK" : worst == Health.YELLOW ? "WARNING" : "CRITICAL";
        long green = report.count(Health.GREEN);
        long yellow = report.count(Health.YELLOW);
        long red = report.count(Health.RED);
        StringBuilder line = new StringBuilder("PORTWATCH ").append(status).append(" - ")
                .append(red).append(" RED, ").append(yellow).append(" YELLOW, ").append(green).append(" GREEN");
        Optional<CheckReport.Row> first = report.rows().stream()
                .filter(r -> r.health() == worst && worst != Health.GREEN).findFirst();
        first.ifPresent(r -> line.append(statusText(": " + r.id() + ": " + r.reason())));
        line.append(" | green=").append(green).append(" yellow=").append(yellow).append(" red=").append(red)
                .append(" sockets=").append(report.sockets())
                .append(String.format(Locale.ROOT, " scan_time=%.3fs", report.scanSeconds()));
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

    /** {@code 2.5ms}: an RTT in milliseconds, at most 3 decimals. */
    static String rttMs(double seconds) {
        return ConnectionsTable.rttMs(Math.round(seconds * 1e6));
    }

    /** The comment on one line, at most {@value #COMMENT_SHOWN} characters ({@code ...} where cut). */
    static String shown(String comment) {
        String line = comment.replaceAll("\\s+", " ").strip();
        return line.length() <= COMMENT_SHOWN ? line : line.substring(0, COMMENT_SHOWN - 3) + "...";
    }
}
