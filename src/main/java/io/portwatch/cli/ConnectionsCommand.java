package io.portwatch.cli;

import io.portwatch.config.NamePattern;
import io.portwatch.config.NetnsPattern;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.history.ChangeTracker;
import io.portwatch.history.ConnectionsLog;
import io.portwatch.history.SocketEvent;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketState;
import io.portwatch.text.Csv;
import io.portwatch.text.Json;
import io.portwatch.text.TextTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code connections}: every socket with its process and queues, as {@code netstat -ano} with names (as a table,
 * JSON or CSV: {@code --format}); {@code --stats} for counts; {@code --log} appends them to a Log-Connections CSV; {@code --watch} keeps scanning and
 * prints the changes (PortQry {@code -wport}/{@code -wpid}).
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
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
        if (!List.of("table", "json", "csv").contains(format)) {
            err.println("--format: expecting table, json or csv (found \"" + format + "\")");
            err.flush();
            return 2;
        }
        if (!format.equals("table") && (stats || watch != null)) {
            err.println((stats ? "--stats" : "--watch") + ": only with --format=table (found --format=" + format + ")");
            err.flush();
            return 2;
        }
        if (watch != null && (watch < 1 || watch > 86400)) {
            err.println("--watch: expecting 1-86400 seconds (found " + watch + ")");
            err.flush();
            return 2;
        }
        SocketSource scanner;
        Snapshot snapshot;
        try {
            scanner = source != null ? source : OneScan.source(settings);
            snapshot = filtered(scanner.scan(), filter);
        } catch (Exception e) {
            err.println("cannot scan sockets: " + e.getMessage());
            err.flush();
            return 3;
        }
        switch (format) {
            case "json" -> out.println(Json.write(records(snapshot.sockets(), snapshot)));
            case "csv" -> printCsv(snapshot.sockets(), snapshot, out);
            default -> table(snapshot.sockets(), snapshot).print(out);
        }
        if (stats) {
            out.println();
            printStats(snapshot.sockets(), snapshot, out);
        }
        out.flush();
        if (log != null && !appendToLog(snapshot, err)) {
            return 3;
        }
        return watch == null ? 0 : watch(scanner, filter, snapshot, out, err);
    }

    /** The snapshot with only the sockets the filter (and {@code --netns}) lets through, in listing order. */
    private Snapshot filtered(Snapshot snapshot, SocketFilter filter) {
        NetnsPattern namespaces = netns == null ? NetnsPattern.ANY : NetnsPattern.of(netns);
        List<SocketEntry> sockets = snapshot.sockets().stream().filter(s -> filter.test(s, snapshot)
                && namespaces.matches(s.netns())).sorted(ORDER).collect(Collectors.toList());
        return new Snapshot(snapshot.takenAt(), snapshot.duration(), sockets, snapshot.processes());
    }

    /** Scans every {@code --watch} seconds, printing changes and logging the sockets when they change. */
    private int watch(SocketSource scanner, SocketFilter filter, Snapshot first, PrintWriter out, PrintWriter err) {
        err.println("watching every " + watch + " s; Ctrl-C stops");
        err.flush();
        ChangeTracker tracker = new ChangeTracker();
        tracker.next(first);
        for (long scans = 0; scans < watchScans; scans++) {
            try {
                Thread.sleep(watch * 1000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Snapshot snapshot;
            try {
                snapshot = filtered(scanner.scan(), filter);
            } catch (Exception e) {
                err.println("cannot scan sockets: " + e.getMessage() + "; trying again in " + watch + " s");
                err.flush();
                continue;
            }
            List<SocketEvent> changes = tracker.next(snapshot);
            if (changes.isEmpty()) {
                continue;
            }
            changes.forEach(e -> out.println(e.describe()));
            out.flush();
            if (log != null) {
                appendToLog(snapshot, err);
            }
        }
        return 0;
    }

    private boolean appendToLog(Snapshot snapshot, PrintWriter err) {
        try {
            ConnectionsLog.append(log, snapshot.takenAt(), snapshot.sockets(), snapshot);
            return true;
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException || e.getMessage() == null
                    ? e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()) : e.getMessage();
            err.println("cannot write " + log + ": " + why);
            err.flush();
            return false;
        }
    }

    SocketFilter filter() {
        return new SocketFilter(NamePattern.of(process), Optional.ofNullable(port), NamePattern.of(address),
                protocol == null ? Optional.empty() : Optional.of(prefixed("--protocol", () -> Protocol.parse(protocol))),
                state == null ? Optional.empty() : Optional.of(prefixed("--state", () -> SocketState.parse(state))));
    }

    private static <T> T prefixed(String option, java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
    }

    static final Comparator<SocketEntry> ORDER = Comparator.comparing(SocketEntry::protocol)
            .thenComparingInt(SocketEntry::localPort).thenComparing(s -> Addresses.format(s.localAddress()))
            .thenComparingInt(SocketEntry::remotePort).thenComparing(s -> Addresses.format(s.remoteAddress()));

    /** The listing; a NETNS column when a socket lives outside portwatch's own network namespace. */
    static TextTable table(List<SocketEntry> sockets, Snapshot snapshot) {
        boolean netnsColumn = sockets.stream().anyMatch(s -> !s.netns().own());
        TextTable table = netnsColumn
                ? new TextTable("PROTO", "RECV-Q", "SEND-Q", "LOCAL ADDRESS", "REMOTE ADDRESS", "STATE", "PID",
                "PROCESS", "USER", "NETNS")
                : new TextTable("PROTO", "RECV-Q", "SEND-Q", "LOCAL ADDRESS", "REMOTE ADDRESS", "STATE", "PID",
                "PROCESS", "USER");
        for (SocketEntry s : sockets) {
            Optional<ProcessInfo> owner = snapshot.owner(s);
            Object[] cells = {s.protocol().label(), queue(s.receiveQueue()), queue(s.sendQueue()),
                    Addresses.format(s.localAddress(), s.localPort()),
                    Addresses.format(s.remoteAddress(), s.remotePort()), s.state(),
                    s.hasOwner() ? Integer.toString(s.pid()) : "-",
                    owner.map(ProcessInfo::name).orElse("-"), owner.map(ProcessInfo::user).filter(u -> !u.isEmpty()).orElse("-"),
                    s.netns().name()};
            table.row(netnsColumn ? cells : Arrays.copyOf(cells, cells.length - 1));
        }
        return table;
    }

    /** A queue as {@code ss} prints it; {@code -} when the platform does not tell (Windows). */
    private static String queue(int value) {
        return value == SocketEntry.UNKNOWN_QUEUE ? "-" : Integer.toString(value);
    }

    /** The columns of {@code --format=json} and {@code csv}, in order. */
    static final List<String> COLUMNS = List.of("protocol", "recvQ", "sendQ", "localAddress", "localPort",
            "remoteAddress", "remotePort", "state", "pid", "process", "user", "netns");

    /**
     * One map per socket with every column of {@link #COLUMNS}: numbers as numbers, and null for what is not
     * known (a queue the platform does not tell, an owner that cannot be seen).
     */
    static List<Map<String, Object>> records(List<SocketEntry> sockets, Snapshot snapshot) {
        List<Map<String, Object>> out = new java.util.ArrayList<>(sockets.size());
        for (SocketEntry s : sockets) {
            Optional<ProcessInfo> owner = snapshot.owner(s);
            Map<String, Object> r = new java.util.LinkedHashMap<>();
            r.put("protocol", s.protocol().label());
            r.put("recvQ", s.receiveQueue() == SocketEntry.UNKNOWN_QUEUE ? null : s.receiveQueue());
            r.put("sendQ", s.sendQueue() == SocketEntry.UNKNOWN_QUEUE ? null : s.sendQueue());
            r.put("localAddress", Addresses.format(s.localAddress()));
            r.put("localPort", s.localPort());
            r.put("remoteAddress", Addresses.format(s.remoteAddress()));
            r.put("remotePort", s.remotePort());
            r.put("state", s.state().name());
            r.put("pid", s.hasOwner() ? s.pid() : null);
            r.put("process", owner.map(ProcessInfo::name).orElse(null));
            r.put("user", owner.map(ProcessInfo::user).filter(u -> !u.isEmpty()).orElse(null));
            r.put("netns", s.netns().name());
            out.add(r);
        }
        return out;
    }

    /**
     * A header line and one line per socket in portwatch's CSV dialect ({@link Csv}), CRLF-terminated on stdout as
     * RFC 4180 says; unknown is empty.
     */
    static void printCsv(List<SocketEntry> sockets, Snapshot snapshot, PrintWriter out) {
        out.print(Csv.record(COLUMNS) + "\r\n");
        for (Map<String, Object> r : records(sockets, snapshot)) {
            out.print(Csv.record(new java.util.ArrayList<>(r.values())) + "\r\n");
        }
    }

    /** One field as {@link Csv} quotes it (for the tests of this output). */
    static String csvField(String value) {
        return Csv.field(value);
    }

    /** PortQry-style statistics: counts and % per state, then per-process counts by state. */
    static void printStats(List<SocketEntry> sockets, Snapshot snapshot, PrintWriter out) {
        Map<SocketState, Integer> byState = new EnumMap<>(SocketState.class);
        Map<String, Map<SocketState, Integer>> byProcess = new TreeMap<>();
        for (SocketEntry s : sockets) {
            byState.merge(s.state(), 1, Integer::sum);
            String name = snapshot.owner(s).map(ProcessInfo::name).orElse("unknown");
            byProcess.computeIfAbsent(name, n -> new EnumMap<>(SocketState.class)).merge(s.state(), 1, Integer::sum);
        }
        int total = sockets.size();
        TextTable states = new TextTable("STATE", "COUNT", "PERCENT");
        byState.forEach((state, n) -> states.row(state, n, String.format(Locale.ROOT, "%.1f%%", 100.0 * n / total)));
        states.row("TOTAL", total, total == 0 ? "0.0%" : "100.0%");
        states.print(out);
        out.println();
        TextTable processes = new TextTable("PROCESS", "TOTAL", "BY STATE");
        byProcess.forEach((name, counts) -> processes.row(name, counts.values().stream().mapToInt(Integer::intValue).sum(),
                counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))));
        processes.print(out);
    }
}
