package io.portwatch.cli;

import io.portwatch.report.Criteria;
import io.portwatch.report.CsvReport;
import io.portwatch.report.HtmlReport;
import io.portwatch.report.JsonReport;
import io.portwatch.report.Progress;
import io.portwatch.report.Report;
import io.portwatch.report.ReportBuilder;
import io.portwatch.report.ReverseDns;
import io.portwatch.report.TextReport;
import io.portwatch.support.Errors;
import io.portwatch.support.ReplacedFile;
import io.portwatch.text.Printable;
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
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code report FILE...}: Port Reporter Parser's statistics over history files and Log-Connections CSVs. Maps its
 * options to {@link Criteria}, runs a {@link ReportBuilder} and hands the {@link Report} to a renderer of the
 * {@code report} package (text, CSV, JSON, HTML).
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
            err.println("cannot read criteria: " + problem(e));
            err.flush();
            return 3;
        }
        ReportBuilder builder = new ReportBuilder(criteria, maxFlagged);
        boolean showProgress = progress.equals("always") || progress.equals("auto") && System.console() != null;
        ProgressBar bar = new ProgressBar(err, nanoTime);
        try {
            builder.readAll(files, showProgress ? bar : Progress.NONE);
        } catch (IOException e) {
            bar.finish();
            err.println("cannot report: " + problem(e));
            err.flush();
            return 3;
        } finally {
            bar.finish();
        }
        Report report = builder.build(top, resolve ? new ReverseDns(lookup, Duration.ofSeconds(10)) : null);
        switch (format) {
            case "csv":
                CsvReport.write(report, out);
                break;
            case "json":
                JsonReport.write(report, out);
                break;
            default:
                TextReport.write(report, out);
        }
        out.flush();
        if (html != null) {
            try {
                ReplacedFile.write(html, HtmlReport.render(report).getBytes(StandardCharsets.UTF_8)); // never through a link
            } catch (IOException e) {
                err.println("cannot write " + html + ": " + e.getMessage());
                err.flush();
                return 3;
            }
        }
        return 0;
    }

    /**
     * What went wrong, on one printable line: the message of portwatch's own IOExceptions (they name file and line),
     * the exception's name and message for the JDK's ({@code NoSuchFileException: /var/log/x.csv}).
     */
    static String problem(IOException e) {
        return Printable.of(e.getClass() == IOException.class ? e.getMessage() : Errors.text(e));
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
}
