package io.portwatch.history;

import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Month;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads history files and Log-Connections CSVs, streaming (one row in memory at a time; counts in
 * bounded tables, see {@link TopCounter}), and builds a {@link Report}. The kind of each file is found
 * from its header; columns are found by name, case-insensitively. Process files are read before the
 * others, so that module criteria can be applied to the events of those processes. Not thread-safe.
 */
public final class ReportBuilder {

    /** What a file is, from its header. */
    public enum InputKind {
        /** {@code portwatch-events*.csv}. */
        EVENTS,
        /** {@code portwatch-snapshot*.csv}. */
        SNAPSHOT,
        /** {@code portwatch-processes*.csv}. */
        PROCESSES,
        /** A Log-Connections CSV ({@code connections --log}, Log-Connections.ps1). */
        CONNECTIONS_LOG
    }

    /** Told how far reading has got, every few thousand rows. */
    @FunctionalInterface
    public interface Progress {
        void at(Path file, long bytesDone, long bytesTotal);

        Progress NONE = (file, done, total) -> { };
    }

    /** Reverse DNS names for remote addresses; an address without a name is left out of the answer. */
    @FunctionalInterface
    public interface Names {
        Map<String, String> of(Collection<String> addresses);
    }

    /** Distinct processes, users and remote addresses counted exactly (beyond: see {@link TopCounter}). */
    public static final int DISTINCT = 10_000;
    private static final String UNKNOWN = "(unknown)";
    private static final int PROGRESS_EVERY = 4096;
    private static final List<String> KIND_ORDER = List.of("open", "close", "state", "listen", "unlisten", "initial",
            "logged", "logged again", "process", "other");

    private final Criteria criteria;
    private final int maxFlagged;
    private final List<String> files = new ArrayList<>();
    private final Map<String, long[]> rowsByKind = new LinkedHashMap<>();
    private final long[][] ports = new long[2][65536];
    private final TopCounter processes = new TopCounter(DISTINCT);
    private final TopCounter users = new TopCounter(DISTINCT);
    private final TopCounter remotes = new TopCounter(DISTINCT);
    private final long[] byHour = new long[24];
    private final Map<String, Long> flaggedBy = new LinkedHashMap<>();
    private final List<Report.Flagged> flagged = new ArrayList<>();
    private final Map<Integer, List<String[]>> modulesByPid = new HashMap<>();
    private final ReportRow row = new ReportRow();
    private long rows;
    private long connections;
    private long flaggedTotal;
    private long unreadableTimes;
    private long shortRows;
    private String firstTime = "";
    private String lastTime = "";

    /**
     * @param criteria   what to flag
     * @param maxFlagged flagged connections kept for the listing (all are counted)
     */
    public ReportBuilder(Criteria criteria, int maxFlagged) {
        this.criteria = criteria;
        this.maxFlagged = maxFlagged;
        KIND_ORDER.forEach(k -> rowsByKind.put(k, new long[1]));
    }

    /**
     * The kind of a file, from its header.
     *
     * @throws IOException when it cannot be read, or is none of the kinds (the message names the file and its header)
     */
    public static InputKind kind(Path file) throws IOException {
        Optional<List<String>> header = ConnectionsLog.header(file);
        if (header.isEmpty()) {
            throw new IOException(file + ": empty file");
        }
        return kind(header.get()).orElseThrow(() -> new IOException(file + ": not a portwatch history file or"
                + " Log-Connections CSV (header: " + String.join(",", header.get()) + ")"));
    }

    static Optional<InputKind> kind(List<String> header) {
        if (ConnectionsLog.isHeader(header)) {
            return Optional.of(InputKind.CONNECTIONS_LOG);
        }
        Set<String> names = new HashSet<>();
        header.forEach(h -> names.add(h.trim().toLowerCase(Locale.ROOT)));
        if (names.contains("event") && names.contains("localport") && names.contains("time")) {
            return Optional.of(InputKind.EVENTS);
        }
        if (names.contains("modules") && names.contains("pid") && names.contains("time")) {
            return Optional.of(InputKind.PROCESSES);
        }
        if (names.contains("localport") && names.contains("time") && names.contains("remoteport")) {
            return Optional.of(InputKind.SNAPSHOT);
        }
        return Optional.empty();
    }

    /**
     * Reads every file: process files first, then the others in the order given.
     *
     * @throws IOException naming the file that cannot be read or is of no known kind (before any is read)
     */
    public void readAll(List<Path> inputs, Progress progress) throws IOException {
        List<Path> first = new ArrayList<>();
        List<Path> then = new ArrayList<>();
        Map<Path, InputKind> kinds = new HashMap<>();
        long total = 0;
        for (Path p : inputs) {
            InputKind k = kind(p);
            kinds.put(p, k);
            (k == InputKind.PROCESSES ? first : then).add(p);
            total += Files.size(p);
        }
        first.addAll(then);
        long done = 0;
        for (Path p : first) {
            read(p, kinds.get(p), progress, done, total);
            done += Files.size(p);
            progress.at(p, done, total);
        }
    }

    /** Positions in {@link #at}: one per field of {@link ReportRow}. */
    private static final int TIME = 0;
    private static final int EVENT = 1;
    private static final int PROTOCOL = 2;
    private static final int LOCAL_ADDRESS = 3;
    private static final int LOCAL_PORT = 4;
    private static final int REMOTE_ADDRESS = 5;
    private static final int REMOTE_PORT = 6;
    private static final int STATE = 7;
    private static final int PID = 8;
    private static final int PROCESS = 9;
    private static final int USER = 10;
    private static final int EXE_PATH = 11;
    private static final int MODULES = 12;

    /** Column names of each kind, by position (null: the kind has no such column). */
    private static String[] names(InputKind kind) {
        switch (kind) {
            case EVENTS:
                return new String[] {"time", "event", "protocol", "localAddress", "localPort", "remoteAddress", "remotePort",
                        "state", "pid", "process", "user", "exePath", null};
            case SNAPSHOT:
                return new String[] {"time", null, "protocol", "localAddress", "localPort", "remoteAddress", "remotePort",
                        "state", "pid", "process", "user", "exePath", null};
            case PROCESSES:
                return new String[] {"time", null, null, null, null, null, null, null, "pid", "process", "user", "exePath",
                        "modules"};
            default:
                return new String[] {"TimeStamp", null, "Protocol", "LocalAddress", "LocalPort", "RemoteAddress", "RemotePort",
                        "State", "PID", "ProcessName", null, null, null};
        }
    }

    /** Where each field of the current file is: column index, -1 when absent. */
    private int[] at;
    private int columnCount;

    private void read(Path file, InputKind kind, Progress progress, long doneBefore, long total) throws IOException {
        files.add(file.toString());
        row.file = file.getFileName().toString();
        at = null;
        try (CountingInputStream counted = new CountingInputStream(Files.newInputStream(file));
             InputStreamReader reader = new InputStreamReader(counted, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(Csv.READ).get()) {
            Set<String> previousSnapshot = new HashSet<>();
            Set<String> currentSnapshot = new HashSet<>();
            String currentStamp = null;
            long n = 0;
            for (CSVRecord record : parser) {
                if (at == null) {
                    String first = record.get(0);
                    if (first.startsWith("\uFEFF")) {
                        first = first.substring(1);
                    }
                    if (record.size() == 1 && first.toUpperCase(Locale.ROOT).startsWith("#TYPE")) {
                        continue;
                    }
                    List<String> header = new ArrayList<>(record.toList());
                    header.set(0, first);
                    layout(header, names(kind));
                    continue;
                }
                if (++n % PROGRESS_EVERY == 0) {
                    progress.at(file, doneBefore + counted.count, total);
                }
                rows++;
                row.line = parser.getCurrentLineNumber();
                switch (kind) {
                    case EVENTS:
                        fill(record);
                        row.event = field(record, EVENT).trim().toLowerCase(Locale.ROOT);
                        EventType type = EventType.fromLabel(row.event);
                        kind(type == null ? "other" : type.label());
                        if (type == EventType.OPEN || type == EventType.LISTEN) {
                            count();
                        }
                        break;
                    case SNAPSHOT:
                        fill(record);
                        row.event = "initial";
                        kind("initial");
                        count();
                        break;
                    case PROCESSES:
                        process(record);
                        break;
                    default: {
                        String stamp = field(record, TIME);
                        if (!stamp.equals(currentStamp)) {
                            Set<String> older = previousSnapshot;
                            previousSnapshot = currentSnapshot;
                            currentSnapshot = older;
                            currentSnapshot.clear();
                            currentStamp = stamp;
                        }
                        fill(record);
                        row.protocol = row.protocol.toLowerCase(Locale.ROOT);
                        String key = row.protocol + " " + row.localAddress + " " + row.localPort + " " + row.remoteAddress
                                + " " + row.remotePort + " " + row.pid;
                        currentSnapshot.add(key);
                        if (previousSnapshot.contains(key)) {
                            kind("logged again");
                        } else {
                            row.event = "logged";
                            kind("logged");
                            count();
                        }
                    }
                }
            }
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new IOException(file + ": cannot read it as CSV: " + e.getMessage(), e);
        }
    }

    private void layout(List<String> header, String[] names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            index.putIfAbsent(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        at = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            Integer position = names[i] == null ? null : index.get(names[i].toLowerCase(Locale.ROOT));
            at[i] = position == null ? -1 : position;
        }
        columnCount = header.size();
    }

    /** A field of the current row, "" when the file has no such column or the row is short. */
    private String field(CSVRecord record, int what) {
        int i = at[what];
        return i < 0 || i >= record.size() ? "" : record.get(i);
    }

    private void process(CSVRecord record) {
        kind("process");
        String time = normalizeTime(field(record, TIME));
        seeTime(time);
        if (!criteria.usesModules()) {
            return;
        }
        int pid = parseInt(field(record, PID), -1);
        String modules = field(record, MODULES);
        String match = modules.isEmpty() ? null
                : criteria.matchModule(List.of(modules.split(HistoryFiles.MODULE_SEPARATOR, -1)));
        if (pid >= 0) {
            modulesByPid.computeIfAbsent(pid, p -> new ArrayList<>(1)).add(new String[] {time, match});
        }
    }

    /** The matched module of the process that owned this row's pid at its time (the latest description before it). */
    private String moduleOf(ReportRow r) {
        if (r.pid < 0) {
            return null;
        }
        List<String[]> sightings = modulesByPid.get(r.pid);
        if (sightings == null) {
            return null;
        }
        String[] best = null;
        for (String[] s : sightings) {
            if ((r.time.isEmpty() || s[0].compareTo(r.time) <= 0) && (best == null || s[0].compareTo(best[0]) >= 0)) {
                best = s;
            }
        }
        return best == null ? null : best[1];
    }

    private void fill(CSVRecord record) {
        if (record.size() < columnCount) {
            shortRows++;
        }
        row.time = normalizeTime(field(record, TIME));
        seeTime(row.time);
        row.event = "";
        row.protocol = field(record, PROTOCOL);
        row.localAddress = field(record, LOCAL_ADDRESS);
        row.localPort = parseInt(field(record, LOCAL_PORT), 0);
        row.remoteAddress = field(record, REMOTE_ADDRESS);
        row.remotePort = parseInt(field(record, REMOTE_PORT), 0);
        row.state = field(record, STATE);
        row.pid = parseInt(field(record, PID), -1);
        row.process = field(record, PROCESS);
        row.user = field(record, USER);
        row.exePath = field(record, EXE_PATH);
    }

    private void kind(String kind) {
        rowsByKind.get(kind)[0]++;
    }

    private void seeTime(String time) {
        if (time.isEmpty()) {
            unreadableTimes++;
            return;
        }
        if (firstTime.isEmpty() || time.compareTo(firstTime) < 0) {
            firstTime = time;
        }
        if (lastTime.isEmpty() || time.compareTo(lastTime) > 0) {
            lastTime = time;
        }
    }

    /** One connection seen: into every usage count, and through the criteria. */
    private void count() {
        connections++;
        int proto = row.protocol.equalsIgnoreCase("tcp") ? 0 : row.protocol.equalsIgnoreCase("udp") ? 1 : -1;
        if (proto >= 0 && row.localPort > 0 && row.localPort <= 65535) {
            ports[proto][row.localPort]++;
        }
        processes.add(row.process.isEmpty() ? UNKNOWN : row.process);
        users.add(row.user.isEmpty() ? UNKNOWN : row.user);
        if (row.hasRemote()) {
            remotes.add(row.remoteAddress);
        }
        if (row.time.length() == 24) {
            byHour[(row.time.charAt(11) - '0') * 10 + row.time.charAt(12) - '0']++;
        }
        if (criteria.isEmpty()) {
            return;
        }
        List<Criteria.Hit> hits = criteria.check(row, criteria.usesModules() ? moduleOf(row) : null);
        if (hits.isEmpty()) {
            return;
        }
        flaggedTotal++;
        List<String> reasons = new ArrayList<>(hits.size());
        for (Criteria.Hit h : hits) {
            flaggedBy.merge(h.criterion(), 1L, Long::sum);
            reasons.add(h.reason());
        }
        if (flagged.size() < maxFlagged) {
            flagged.add(new Report.Flagged(row.file + ":" + row.line, row.time, row.event, row.protocol.toLowerCase(Locale.ROOT),
                    address(row.localAddress, row.localPort), address(row.remoteAddress, row.remotePort), row.state,
                    row.pid < 0 ? "" : Integer.toString(row.pid), row.process, row.user, row.exePath, reasons));
        }
    }

    private static String address(String address, int port) {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }

    /**
     * The report.
     *
     * @param top   entries per usage table (0 = all)
     * @param names reverse DNS for the remote addresses listed, null for none
     */
    public Report build(int top, Names names) {
        List<Report.PortCount> portCounts = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            for (int port = 1; port < 65536; port++) {
                if (ports[p][port] > 0) {
                    portCounts.add(new Report.PortCount(p == 0 ? "tcp" : "udp", port, ports[p][port], criteria.flagsPort(port)));
                }
            }
        }
        portCounts.sort((a, b) -> a.count() != b.count() ? Long.compare(b.count(), a.count())
                : a.protocol().equals(b.protocol()) ? Integer.compare(a.port(), b.port()) : a.protocol().compareTo(b.protocol()));
        if (top > 0 && portCounts.size() > top) {
            portCounts = portCounts.subList(0, top);
        }
        List<Map.Entry<String, Long>> topRemotes = remotes.top(top);
        Map<String, String> resolved = Map.of();
        if (names != null && !topRemotes.isEmpty()) {
            List<String> addresses = new ArrayList<>();
            topRemotes.forEach(e -> addresses.add(e.getKey()));
            resolved = names.of(addresses);
        }
        List<Report.Count> remoteCounts = new ArrayList<>();
        for (Map.Entry<String, Long> e : topRemotes) {
            remoteCounts.add(new Report.Count(e.getKey(), resolved.getOrDefault(e.getKey(), ""), e.getValue(),
                    criteria.flagsRemote(e.getKey())));
        }
        List<Report.Count> processCounts = new ArrayList<>();
        processes.top(top).forEach(e -> processCounts.add(new Report.Count(e.getKey(), "", e.getValue(),
                !e.getKey().equals(UNKNOWN) && criteria.flagsProcess(e.getKey()))));
        List<Report.Count> userCounts = new ArrayList<>();
        users.top(top).forEach(e -> userCounts.add(new Report.Count(e.getKey(), "", e.getValue(),
                !e.getKey().equals(UNKNOWN) && criteria.flagsUser(e.getKey()))));
        Map<String, Long> kinds = new LinkedHashMap<>();
        rowsByKind.forEach((k, v) -> {
            if (v[0] > 0) {
                kinds.put(k, v[0]);
            }
        });
        List<Long> hours = new ArrayList<>(24);
        for (long h : byHour) {
            hours.add(h);
        }
        List<String> notes = new ArrayList<>();
        approximate(notes, "processes", processes);
        approximate(notes, "users", users);
        approximate(notes, "remote addresses", remotes);
        if (unreadableTimes > 0) {
            notes.add(unreadableTimes + " rows have a time that is not ISO-8601; they are left out of the hours and the time range");
        }
        if (shortRows > 0) {
            notes.add(shortRows + " rows have fewer fields than their header; missing fields are read as empty");
        }
        if (flaggedTotal > flagged.size()) {
            notes.add("flagged: the first " + flagged.size() + " of " + flaggedTotal + " are listed");
        }
        return new Report(files, rows, connections, firstTime, lastTime, kinds, portCounts, processCounts, remoteCounts,
                userCounts, hours, criteria.describe(), flaggedTotal, flaggedBy, flagged, notes);
    }

    private static void approximate(List<String> notes, String what, TopCounter counter) {
        if (counter.approximate()) {
            notes.add(what + ": more than " + DISTINCT + " distinct, counts are lower bounds (each may be low by up to "
                    + counter.maxError() + ")");
        }
    }

    /** {@code 2026-11-22T10:15:30.123Z} for any ISO-8601 instant or offset date-time; "" when it is none. */
    static String normalizeTime(String raw) {
        String t = raw.trim();
        if (isWrittenForm(t)) {
            return t; // the form portwatch writes
        }
        if (t.isEmpty()) {
            return "";
        }
        try {
            return HistoryFiles.formatTime(Instant.parse(t));
        } catch (DateTimeParseException e) {
            try {
                return HistoryFiles.formatTime(OffsetDateTime.parse(t).toInstant());
            } catch (DateTimeParseException e2) {
                return "";
            }
        }
    }

    /**
     * True for a valid time in exactly the form portwatch writes, {@code uuuu-MM-dd'T'HH:mm:ss.SSS'Z'} (checked
     * without parsing: rows come by the million); the hour of such a time indexes the hours of the report.
     */
    private static boolean isWrittenForm(String t) {
        if (t.length() != 24 || t.charAt(4) != '-' || t.charAt(7) != '-' || t.charAt(10) != 'T' || t.charAt(13) != ':'
                || t.charAt(16) != ':' || t.charAt(19) != '.' || t.charAt(23) != 'Z') {
            return false;
        }
        for (int i : new int[] {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22}) {
            if (t.charAt(i) < '0' || t.charAt(i) > '9') {
                return false;
            }
        }
        int year = Integer.parseInt(t, 0, 4, 10);
        int month = Integer.parseInt(t, 5, 7, 10);
        int day = Integer.parseInt(t, 8, 10, 10);
        return month >= 1 && month <= 12 && day >= 1 && day <= Month.of(month).length(Year.isLeap(year))
                && Integer.parseInt(t, 11, 13, 10) <= 23 && Integer.parseInt(t, 14, 16, 10) <= 59
                && Integer.parseInt(t, 17, 19, 10) <= 59;
    }

    /** A decimal int, or {@code otherwise} when the text is not one. */
    static int parseInt(String text, int otherwise) {
        int n = text.length();
        if (n == 0 || n > 9) {
            return otherwise;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return otherwise;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** Counts the bytes read, for the progress bar. */
    private static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
