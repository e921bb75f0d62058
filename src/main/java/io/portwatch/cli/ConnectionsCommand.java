package io.portwatch.cli;

import io.portwatch.config.NamePattern;
import io.portwatch.config.NetnsPattern;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code connections}: every socket with its process and queues, as {@code netstat -ano} with names (as a table,
 * JSON or CSV: {@code --format}); {@code --stats} for counts; {@code --log} appends them to a Log-Connections CSV; {@code --watch} keeps scanning and
 * prints the changes (PortQry {@code -wport}/{@code -wpid}). This class reads the options and makes one call; the
 * scan ({@link ConnectionsScan}), the renderers ({@link ConnectionsFormat}), the statistics ({@link ConnectionsStats}),
 * the log ({@link ConnectionsLogAppender}) and the watch loop ({@link ConnectionsWatch}) are each their own class.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = {"Lists sockets with their owning process (netstat -ano / Get-NetworkStatistics view).",
                "State names as Linux spells them (ESTABLISHED, TIME_WAIT, LISTEN, UNCONN, ...);"
                        + " --state accepts them case-insensitively, with or without underscores, and ss spellings.",
                "--log appends the listed sockets to a CSV (Log-Connections.ps1); --watch scans again every SECONDS"
                        + " until Ctrl-C, prints each change and, with --log, appends the sockets whenever they change."})
final class ConnectionsCommand extends SettingsOptions {

    @Option(names = "--process", paramLabel = "GLOB", description = "Only sockets of processes matching this name glob.")
    String process;

    @Option(names = "--port", paramLabel = "N", description = "Only sockets with this local or remote port.")
    Integer port;

    @Option(names = "--address", paramLabel = "GLOB", description = "Only sockets whose local or remote address matches.")
    String address;

    @Option(names = "--protocol", paramLabel = "tcp|udp", description = "Only this protocol.")
    String protocol;

    @Option(names = "--state", paramLabel = "STATE", description = "Only this state, e.g. ESTABLISHED, time_wait, listen.")
    String state;

    @Option(names = "--format", paramLabel = "table|json|csv", defaultValue = "table",
            description = "table (default), json (an array of objects, one per socket, with every column) or csv"
                    + " (a header line and one line per socket, RFC 4180).")
    String format;

    @Option(names = "--netns", paramLabel = "GLOB",
            description = "Only sockets of the network namespaces whose name matches (Linux): host, an ip netns name,"
                    + " container:ID, pod:UID, net:[INODE]; * for all; empty for portwatch's own.")
    String netns;

    @Option(names = "--info", description = "Add an RTT column (ms, as ss -ti prints rtt:); - where unknown: only"
            + " the netlink reader measures it. JSON and CSV always carry rttMs, unacked, lastAckMs, retransmitted, sent.")
    boolean info;

    @Option(names = "--stats", description = "Add statistics: counts and %% per state, per-process counts by state.")
    boolean stats;

    @Option(names = "--log", paramLabel = "FILE.csv",
            description = "Append the listed sockets to this CSV; the header TimeStamp,Protocol,LocalAddress,LocalPort,"
                    + "RemoteAddress,RemotePort,State,ProcessName,PID is written only when the file is new.")
    Path log;

    @Option(names = "--watch", paramLabel = "SECONDS",
            description = "Scan again every SECONDS (1-86400) until Ctrl-C; print each change as it happens.")
    Integer watch;

    /** For testing only: where sockets come from (null: the source the settings ask for). */
    SocketSource source;

    /** For testing only: how many scans {@code --watch} makes after the first (else until Ctrl-C). */
    long watchScans = Long.MAX_VALUE;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SocketFilter filter;
        Settings settings;
        try {
            settings = settings();
            filter = filter();
        } catch (SettingsException e) {
            e.problems().forEach(err::println);
            err.flush();
            return 2;
        } catch (IllegalArgumentException e) {
            return refuse(err, e.getMessage());
        }
        Optional<ConnectionsFormat> renderer = ConnectionsFormat.of(format);
        if (renderer.isEmpty()) {
            return refuse(err, "--format: expecting table, json or csv (found \"" + format + "\")");
        }
        if (renderer.get() != ConnectionsFormat.TABLE && (stats || watch != null || info)) {
            return refuse(err, (stats ? "--stats" : watch != null ? "--watch" : "--info")
                    + ": only with --format=table (found --format=" + format + ")");
        }
        if (watch != null && (watch < 1 || watch > 86400)) {
            return refuse(err, "--watch: expecting 1-86400 seconds (found " + watch + ")");
        }
        ConnectionsScan scan;
        Snapshot snapshot;
        try {
            scan = new ConnectionsScan(source != null ? source : OneScan.source(settings), filter,
                    netns == null ? NetnsPattern.ANY : NetnsPattern.of(netns));
            snapshot = scan.next();
        } catch (Exception e) {
            err.println("cannot scan sockets: " + e.getMessage());
            err.flush();
            return 3;
        }
        if (info) {
            ConnectionsTable.print(snapshot, out, true);
        } else {
            renderer.get().print(snapshot, out);
        }
        if (stats) {
            out.println();
            ConnectionsStats.print(snapshot, out);
        }
        out.flush();
        Optional<ConnectionsLogAppender> appender = Optional.ofNullable(log).map(file -> new ConnectionsLogAppender(file, err));
        if (appender.isPresent() && !appender.get().append(snapshot)) {
            return 3;
        }
        if (watch != null) {
            new ConnectionsWatch(scan, watch, watchScans, appender).run(snapshot, out, err);
        }
        return 0;
    }

    /** The options' filters; an {@link IllegalArgumentException} names the option a value is wrong for. */
    SocketFilter filter() {
        return new SocketFilter(NamePattern.of(process), Optional.ofNullable(port), NamePattern.of(address),
                protocol == null ? Optional.empty() : Optional.of(prefixed("--protocol", () -> Protocol.parse(protocol))),
                state == null ? Optional.empty() : Optional.of(prefixed("--state", () -> SocketState.parse(state))));
    }

    private static <T> T prefixed(String option, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    /** Exit code 2 after one line on stderr: the options ask for something that cannot be. */
    private static int refuse(PrintWriter err, String why) {
        err.println(why);
        err.flush();
        return 2;
    }
}
