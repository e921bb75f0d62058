package io.portwatch.report;

import io.portwatch.text.TextTable;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Renders a {@link Report} as plain-text tables: the default output of {@code report}. */
public final class TextReport {

    private TextReport() {
    }

    /** Writes the report as text. */
    public static void write(Report r, PrintWriter out) {
        out.println("portwatch report: " + r.files().size() + (r.files().size() == 1 ? " file, " : " files, ") + r.rows()
                + " rows, " + r.connections() + " connections"
                + (r.firstTime().isEmpty() ? "" : ", " + r.firstTime() + " to " + r.lastTime()));
        out.println();
        TextTable kinds = new TextTable("ROWS", "COUNT");
        r.rowsByKind().forEach(kinds::row);
        kinds.print(out);

        out.println();
        out.println("LOCAL PORTS");
        TextTable ports = new TextTable("PROTOCOL", "PORT", "CONNECTIONS", "PERCENT", "FLAG");
        r.localPorts().forEach(p -> ports.row(p.protocol(), p.port(), p.count(), r.percent(p.count()), p.flagged() ? "!" : ""));
        ports.print(out);
        counts(out, "PROCESSES", "PROCESS", null, r.processes(), r);
        counts(out, "REMOTE ADDRESSES", "ADDRESS", r.remotes().stream().anyMatch(c -> !c.detail().isEmpty()) ? "NAME" : null,
                r.remotes(), r);
        counts(out, "USERS", "USER", null, r.users(), r);

        out.println();
        out.println("USAGE BY HOUR (UTC)");
        long max = r.byHour().stream().mapToLong(Long::longValue).max().orElse(0);
        TextTable hours = new TextTable("HOUR", "CONNECTIONS", "");
        for (int h = 0; h < 24; h++) {
            long v = r.byHour().get(h);
            hours.row(String.format(Locale.ROOT, "%02d", h), v, "#".repeat(max == 0 ? 0 : (int) Math.round(40.0 * v / max)));
        }
        hours.print(out);

        out.println();
        out.println("FLAGGED: " + r.flaggedTotal() + (r.flaggedTotal() == 1 ? " connection" : " connections"));
        if (!r.criteria().isEmpty()) {
            TextTable criteria = new TextTable("CRITERION", "CONNECTIONS");
            r.criteria().forEach(c -> criteria.row(c, r.flaggedBy().getOrDefault(c, 0L)));
            criteria.print(out);
        }
        if (!r.flagged().isEmpty()) {
            out.println();
            TextTable flagged = new TextTable("TIME", "EVENT", "PROTO", "LOCAL", "REMOTE", "STATE", "PID", "PROCESS", "USER",
                    "WHY", "SOURCE");
            for (Report.Flagged f : r.flagged()) {
                flagged.row(f.time(), f.event(), f.protocol(), f.local(), f.remote(), f.state(), dash(f.pid()), dash(f.process()),
                        dash(f.user()), String.join("; ", f.reasons()), f.source());
            }
            flagged.print(out);
        }
        if (!r.notes().isEmpty()) {
            out.println();
            out.println("NOTES");
            r.notes().forEach(n -> out.println("- " + n));
        }
    }

    private static String dash(String s) {
        return s.isEmpty() ? "-" : s;
    }

    private static void counts(PrintWriter out, String title, String column, String detail, List<Report.Count> counts, Report r) {
        out.println();
        out.println(title);
        TextTable t = detail == null ? new TextTable(column, "CONNECTIONS", "PERCENT", "FLAG")
                : new TextTable(column, detail, "CONNECTIONS", "PERCENT", "FLAG");
        for (Report.Count c : counts) {
            if (detail == null) {
                t.row(c.name(), c.count(), r.percent(c.count()), c.flagged() ? "!" : "");
            } else {
                t.row(c.name(), dash(c.detail()), c.count(), r.percent(c.count()), c.flagged() ? "!" : "");
            }
        }
        t.print(out);
    }
}
