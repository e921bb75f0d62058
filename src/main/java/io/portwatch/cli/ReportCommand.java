package io.portwatch.cli;

import io.portwatch.history.Criteria;
import io.portwatch.history.HtmlReport;
import io.portwatch.history.Report;
import io.portwatch.history.ReportBuilder;
import io.portwatch.history.ReverseDns;
import org.apache.commons.csv.CSVFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code report FILE...}: Port Reporter Parser's statistics over history files and Log-Connections
 * CSVs, with flagged records, as text, CSV, JSON and a self-contained HTML page.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Statistics over history files (portwatch-events*.csv, portwatch-snapshot*.csv, portwatch-processes*.csv)"
                + " and Log-Connections CSVs: usage by local port, process, remote address, user and hour of day (UTC),"
                + " and the connections that match the --flag-* criteria.",
                "Files are streamed; their kind is found from their header. Module criteria need the process files."})
final class ReportCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "History files and Log-Connections CSVs.")
    List<Path> files;

    @Option(names = "--format", paramLabel = "text|csv|json", defaultValue = "text",
            description = "Output on stdout (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the report as one self-contained HTML page.")
    Path html;

    @Option(names = "--top", paramLabel = "N", defaultValue = "20",
            description = "Entries per usage table (0 = all; default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--resolve", description = "Show reverse DNS names of the remote addresses listed (cached, 10 s at most).")
    boolean resolve;

    @Option(names = "--flag-port", paramLabel = "PORTS", description = "Flag connections on these local or remote ports (22,3389,6000-6010).")
    List<String> flagPorts = new ArrayList<>();

    @Option(names = "--flag-process", paramLabel = "GLOBS", description = "Flag connections of processes matching these names.")
    List<String> flagProcesses = new ArrayList<>();

    @Option(names = "--flag-user", paramLabel = "GLOBS", description = "Flag connections of these users.")
    List<String> flagUsers = new ArrayList<>();

    @Option(names = "--flag-module", paramLabel = "PATHGLOB",
            description = "Flag connections of processes that loaded a matching module (needs the process files).")
    List<String> flagModules = new ArrayList<>();

    @Option(names = "--flag-remote", paramLabel = "CIDRS", description = "Flag connections to these addresses or blocks (10.0.0.0/8,2001:db8::/32).")
    List<String> flagRemotes = new ArrayList<>();

    @Option(names = "--expect-path", paramLabel = "NAME=PATHGLOB",
            description = "Flag a process called NAME running from anywhere else (repeat to allow several paths).")
    List<String> expectPaths = new ArrayList<>();

    @Option(names = "--criteria", paramLabel = "FILE", description = "More criteria, one KIND=VALUE a line (port, process, user,"
            + " module, remote, expect-path).")
    List<Path> criteriaFiles = new ArrayList<>();

    @Option(names = "--max-flagged", paramLabel = "N", defaultValue = "1000",
            description = "Flagged connections listed (all are counted; default: ${DEFAULT-VALUE}).")
    int maxFlagged;

    @Option(names = "--progress", paramLabel = "auto|always|never", defaultValue = "auto",
            description = "Progress bar on stderr for inputs that take more than a second (auto: when on a terminal).")
    String progress;

    @Spec
    CommandSpec spec;

    /** For testing only: the reverse DNS lookup of {@code --resolve}. */
    ReverseDns.Lookup lookup = ReverseDns.SYSTEM;

    /** For testing only: the clock of the progress bar. */
    java.util.function.LongSupplier nanoTime = System::nanoTime;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Criteria criteria;
        try {
            criteria = criteria();
            check(List.of("text", "csv", "json").contains(format), "--format: expecting text, csv or json (found \"" + format + "\")");
            check(List.of("auto", "always", "never").contains(progress),
                    "--progress: expecting auto, always or never (found \"" + progress + "\")");
            check(top >= 0, "--top: expecting 0 or more (found " + top + ")");
            check(maxFlagged >= 0, "--max-flagged: expecting 0 or more (found " + maxFlagged + ")");
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("cannot read criteria: " + e.getMessage());
            err.flush();
            return 3;
        }
        ReportBuilder builder = new ReportBuilder(criteria, maxFlagged);
        boolean showProgress = progress.equals("always") || progress.equals("auto") && System.console() != null;
        ProgressBar bar = new ProgressBar(err, nanoTime);
        try {
            builder.readAll(files, showProgress ? bar : ReportBuilder.Progress.NONE);
        } catch (IOException e) {
            bar.finish();
            err.println("cannot report: " + e.getMessage());
            err.flush();
            return 3;
        } finally {
            bar.finish();
        }
        Report report = builder.build(top, resolve ? new ReverseDns(lookup, Duration.ofSeconds(10)) : null);
        switch (format) {
            case "csv":
                csv(report, out);
                break;
            case "json":
                out.println(Json.write(json(report)));
                break;
            default:
                text(report, out);
        }
        out.flush();
        if (html != null) {
            try {
                Files.writeString(html, HtmlReport.render(report), StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("cannot write " + html + ": " + e.getMessage());
                err.flush();
                return 3;
            }
        }
        return 0;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private Criteria criteria() throws IOException {
        Criteria.Builder b = Criteria.builder();
        add(b, "port", "--flag-port", flagPorts);
        add(b, "process", "--flag-process", flagProcesses);
        add(b, "user", "--flag-user", flagUsers);
        add(b, "module", "--flag-module", flagModules);
        add(b, "remote", "--flag-remote", flagRemotes);
        add(b, "expect-path", "--expect-path", expectPaths);
        for (Path f : criteriaFiles) {
            b.addFile(f);
        }
        return b.build();
    }

    private static void add(Criteria.Builder b, String kind, String option, List<String> values) {
        for (String v : values) {
            try {
                b.add(kind, v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
            }
        }
    }

    static void text(Report r, PrintWriter out) {
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

    /** Columns of {@code --format=csv}: statistics fill the first six, flagged connections the rest. */
    static final List<String> CSV_COLUMNS = List.of("section", "name", "detail", "count", "percent", "flagged", "time", "event",
            "protocol", "local", "remote", "state", "pid", "process", "user", "exePath", "reasons", "source");

    static void csv(Report r, PrintWriter out) {
        try {
            Csv p = new Csv(out);
            p.printRecord(CSV_COLUMNS.toArray());
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

    static Map<String, Object> json(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", r.files());
        m.put("rows", r.rows());
        m.put("connections", r.connections());
        m.put("firstTime", r.firstTime());
        m.put("lastTime", r.lastTime());
        m.put("rowsByKind", r.rowsByKind());
        List<Object> ports = new ArrayList<>();
        for (Report.PortCount c : r.localPorts()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("protocol", c.protocol());
            e.put("port", c.port());
            e.put("count", c.count());
            e.put("flagged", c.flagged());
            ports.add(e);
        }
        m.put("localPorts", ports);
        m.put("processes", counts(r.processes(), "process", null));
        m.put("remoteAddresses", counts(r.remotes(), "address", "name"));
        m.put("users", counts(r.users(), "user", null));
        Map<String, Object> hours = new LinkedHashMap<>();
        for (int h = 0; h < 24; h++) {
            hours.put(String.format(Locale.ROOT, "%02d", h), r.byHour().get(h));
        }
        m.put("byHourUtc", hours);
        Map<String, Object> flagged = new LinkedHashMap<>();
        flagged.put("total", r.flaggedTotal());
        Map<String, Object> byCriterion = new LinkedHashMap<>();
        r.criteria().forEach(c -> byCriterion.put(c, r.flaggedBy().getOrDefault(c, 0L)));
        flagged.put("byCriterion", byCriterion);
        List<Object> rows = new ArrayList<>();
        for (Report.Flagged f : r.flagged()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("time", f.time());
            e.put("event", f.event());
            e.put("protocol", f.protocol());
            e.put("local", f.local());
            e.put("remote", f.remote());
            e.put("state", f.state());
            e.put("pid", f.pid());
            e.put("process", f.process());
            e.put("user", f.user());
            e.put("exePath", f.exePath());
            e.put("reasons", f.reasons());
            e.put("source", f.source());
            rows.add(e);
        }
        flagged.put("connections", rows);
        m.put("flagged", flagged);
        m.put("notes", r.notes());
        return m;
    }

    private static List<Object> counts(List<Report.Count> counts, String key, String detail) {
        List<Object> out = new ArrayList<>();
        for (Report.Count c : counts) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put(key, c.name());
            if (detail != null) {
                e.put(detail, c.detail());
            }
            e.put("count", c.count());
            e.put("flagged", c.flagged());
            out.add(e);
        }
        return out;
    }
}
