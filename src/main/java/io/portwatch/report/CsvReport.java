package io.portwatch.report;

import org.apache.commons.csv.CSVFormat;

import java.io.IOException;
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
        try {
            Csv p = new Csv(out);
            p.printRecord(COLUMNS.toArray());
            stat(p, "summary", "files", "", r.files().size(), "", false);
            stat(p, "summary", "rows", "", r.rows(), "", false);
            stat(p, "summary", "connections", "", r.connections(), "", false);
            stat(p, "summary", "flagged", "", r.flaggedTotal(), r.percent(r.flaggedTotal()), false);
            stat(p, "summary", "firstTime", r.firstTime(), "", "", false);
            stat(p, "summary", "lastTime", r.lastTime(), "", "", false);
            for (String f : r.files()) {
                stat(p, "file", f, "", "", "", false);
            }
            for (Map.Entry<String, Long> e : r.rowsByKind().entrySet()) {
                stat(p, "rows", e.getKey(), "", e.getValue(), "", false);
            }
            for (Report.PortCount c : r.localPorts()) {
                stat(p, "localPort", Integer.toString(c.port()), c.protocol(), c.count(), r.percent(c.count()), c.flagged());
            }
            for (Report.Count c : r.processes()) {
                stat(p, "process", c.name(), c.detail(), c.count(), r.percent(c.count()), c.flagged());
            }
            for (Report.Count c : r.remotes()) {
                stat(p, "remoteAddress", c.name(), c.detail(), c.count(), r.percent(c.count()), c.flagged());
            }
            for (Report.Count c : r.users()) {
                stat(p, "user", c.name(), c.detail(), c.count(), r.percent(c.count()), c.flagged());
            }
            for (int h = 0; h < 24; h++) {
                long v = r.byHour().get(h);
                stat(p, "hour", String.format(Locale.ROOT, "%02d", h), "UTC", v, r.percent(v), false);
            }
            for (String c : r.criteria()) {
                long v = r.flaggedBy().getOrDefault(c, 0L);
                stat(p, "criterion", c, "", v, r.percent(v), false);
            }
            for (Report.Flagged f : r.flagged()) {
                p.printRecord("flagged", "", "", "", "", true, f.time(), f.event(), f.protocol(), f.local(), f.remote(), f.state(),
                        f.pid(), f.process(), f.user(), f.exePath(), String.join("; ", f.reasons()), f.source());
            }
            for (String n : r.notes()) {
                stat(p, "note", n, "", "", "", false);
            }
        } catch (IOException e) { // a PrintWriter does not throw
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Records in RFC 4180 CSV with LF line ends (CSVPrinter itself drags in annotations javac warns about). */
    private static final class Csv {
        private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();
        private final Appendable out;

        Csv(Appendable out) {
            this.out = out;
        }

        void printRecord(Object... values) throws IOException {
            FORMAT.printRecord(out, values);
        }
    }

    private static void stat(Csv p, String section, String name, String detail, Object count, String percent,
                             boolean flagged) throws IOException {
        p.printRecord(section, name, detail, count, percent, flagged, "", "", "", "", "", "", "", "", "", "", "", "");
    }
}
