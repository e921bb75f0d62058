package io.portwatch.report;

import io.portwatch.text.Csv;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Report} as one CSV table ({@code report --format=csv}): a {@code section} column says what each
 * record is; statistics fill the first six columns, flagged connections the rest.
 */
public final class CsvReport {

    private CsvReport() {
    }

    /** Columns of {@code --format=csv}: statistics fill the first six, flagged connections the rest. */
    public static final List<String> COLUMNS = List.of("section", "name", "detail", "count", "percent", "flagged", "time", "event",
            "protocol", "local", "remote", "state", "pid", "process", "user", "exePath", "reasons", "source");

    /** Writes the report as CSV. */
    public static void write(Report r, PrintWriter out) {
        record(out, COLUMNS.toArray());
        stat(out, "summary", "files", "", r.files().size(), "", false);
        stat(out, "summary", "rows", "", r.rows(), "", false);
        stat(out, "summary", "connections", "", r.connections(), "", false);
        stat(out, "summary", "flagged", "", r.flaggedTotal(), r.percent(r.flaggedTotal()), false);
        stat(out, "summary", "firstTime", r.firstTime(), "", "", false);
        stat(out, "summary", "lastTime", r.lastTime(), "", "", false);
        for (String f : r.files()) {
            stat(out, "file", f, "", "", "", false);
        }
        for (Map.Entry<String, Long> e : r.rowsByKind().entrySet()) {
            stat(out, "rows", e.getKey(), "", e.getValue(), "", false);
        }
        for (Report.PortCount c : r.localPorts()) {
            stat(out, "localPort", Integer.toString(c.port()), c.protocol(), c.count(), r.percent(c.count()), c.flagged());
        }
        for (Report.Count c : r.processes()) {
            stat(out, "process", c.name(), c.detail(), c.count(), r.percent(c.count()), c.flagged());
        }
        for (Report.Count c : r.remotes()) {
            stat(out, "remoteAddress", c.name(), c.detail(), c.count(), r.percent(c.count()), c.flagged());
        }
        for (Report.Count c : r.users()) {
            stat(out, "user", c.name(), c.detail(), c.count(), r.percent(c.count()), c.flagged());
        }
        for (int h = 0; h < 24; h++) {
            long v = r.byHour().get(h);
            stat(out, "hour", String.format(Locale.ROOT, "%02d", h), "UTC", v, r.percent(v), false);
        }
        for (String c : r.criteria()) {
            long v = r.flaggedBy().getOrDefault(c, 0L);
            stat(out, "criterion", c, "", v, r.percent(v), false);
        }
        for (Report.Flagged f : r.flagged()) {
            record(out, "flagged", "", "", "", "", true, f.time(), f.event(), f.protocol(), f.local(), f.remote(), f.state(),
                    f.pid(), f.process(), f.user(), f.exePath(), String.join("; ", f.reasons()), f.source());
        }
        for (String n : r.notes()) {
            stat(out, "note", n, "", "", "", false);
        }
    }

    /** One record in portwatch's one CSV dialect ({@link Csv}). */
    private static void record(PrintWriter out, Object... values) {
        out.print(Csv.line(values));
    }

    private static void stat(PrintWriter out, String section, String name, String detail, Object count, String percent,
                             boolean flagged) {
        record(out, section, name, detail, count, percent, flagged, "", "", "", "", "", "", "", "", "", "", "", "");
    }
}
