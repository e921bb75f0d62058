package io.portwatch.report;

import io.portwatch.history.HistoryFiles;
import io.portwatch.scan.Addresses;
import io.portwatch.text.Printable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Counts the rows {@link HistoryReader} reads into a {@link Report}: usage by port, process, user, remote address and
 * hour in bounded tables (see {@link TopCounter}), and the rows the {@link Criteria} flag. Process files are read
 * before the others, so that module criteria can be applied to the events of those processes. Not thread-safe.
 */
public final class ReportBuilder {

    /** Reverse DNS names for remote addresses; an address without a name is left out of the answer. */
    @FunctionalInterface
    public interface Names {
        Map<String, String> of(Collection<String> addresses);
    }

    /** Distinct processes, users and remote addresses counted exactly (beyond: see {@link TopCounter}). */
    public static final int DISTINCT = 10_000;
    private static final String UNKNOWN = "(unknown)";
    private static final List<String> KIND_ORDER = List.of("open", "close", "state", "listen", "unlisten", "initial",
            "logged", "logged again", "process", "other");
    /** The row kinds that are a connection seen (the others are counted by kind only). */
    private static final Set<String> CONNECTION_SEEN = Set.of("open", "listen", "initial", "logged");

    private final Criteria criteria;
    private final int maxFlagged;
    private final HistoryReader reader = new HistoryReader();
    private final List<String> files = new ArrayList<>();
    private final Map<String, long[]> rowsByKind = new LinkedHashMap<>();
    private final long[][] ports = new long[2][65536];
    private final TopCounter processes = new TopCounter(DISTINCT);
    private final TopCounter users = new TopCounter(DISTINCT);
    private final TopCounter remotes = new TopCounter(DISTINCT);
    private final long[] byHour = new long[24];
    private final Map<String, Long> flaggedBy = new LinkedHashMap<>();
    private final List<Report.Flagged> flagged = new ArrayList<>();
    /** The processes seen in the process files: when each was described, and its module the criteria matched. */
    private final Map<Integer, List<Sighting>> modulesByPid = new HashMap<>();
    private long rows;
    private long connections;
    private long flaggedTotal;
    private long unreadableTimes;
    private String firstTime = "";
    private String lastTime = "";

    /** A process described at {@code time}, with the module the criteria matched (null when none). */
    private record Sighting(String time, String module) {
    }

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
        return HistoryReader.kind(file);
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
        long total = 0; // for the progress only: a size is not a read limit
        for (Path p : inputs) {
            InputKind k = kind(p);
            kinds.put(p, k);
            (k == InputKind.PROCESSES ? first : then).add(p);
            total += Files.size(p);
        }
        first.addAll(then);
        long done = 0;
        for (Path p : first) {
            files.add(Printable.of(p.toString()));
            done += reader.read(p, kinds.get(p), this::add, progress, done, total);
            progress.at(p, done, total);
        }
    }

    /** One row read: into the counts by kind, and when it is a connection seen, into every usage count. */
    private void add(ReportRow row) {
        rows++;
        String kind = rowsByKind.containsKey(row.event()) ? row.event() : "other";
        rowsByKind.get(kind)[0]++;
        seeTime(row.time());
        if (kind.equals("process")) {
            process(row);
        } else if (CONNECTION_SEEN.contains(kind)) {
            count(row);
        }
    }

    private void process(ReportRow row) {
        if (!criteria.usesModules() || row.pid() < 0) {
            return;
        }
        String match = row.modules().isEmpty() ? null
                : criteria.matchModule(List.of(row.modules().split(HistoryFiles.MODULE_SEPARATOR, -1)));
        modulesByPid.computeIfAbsent(row.pid(), p -> new ArrayList<>(1)).add(new Sighting(row.time(), match));
    }

    /** The matched module of the process that owned this row's pid at its time (the latest description before it). */
    private String moduleOf(ReportRow r) {
        if (r.pid() < 0) {
            return null;
        }
        List<Sighting> sightings = modulesByPid.get(r.pid());
        if (sightings == null) {
            return null;
        }
        Sighting best = null;
        for (Sighting s : sightings) {
            if ((r.time().isEmpty() || s.time().compareTo(r.time()) <= 0)
                    && (best == null || s.time().compareTo(best.time()) >= 0)) {
                best = s;
            }
        }
        return best == null ? null : best.module();
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
    private void count(ReportRow row) {
        connections++;
        int proto = row.protocol().equalsIgnoreCase("tcp") ? 0 : row.protocol().equalsIgnoreCase("udp") ? 1 : -1;
        if (proto >= 0 && row.localPort() > 0 && row.localPort() <= 65535) {
            ports[proto][row.localPort()]++;
        }
        processes.add(row.process().isEmpty() ? UNKNOWN : row.process());
        users.add(row.user().isEmpty() ? UNKNOWN : row.user());
        if (row.hasRemote()) {
            remotes.add(row.remoteAddress());
        }
        if (row.time().length() == 24) {
            byHour[(row.time().charAt(11) - '0') * 10 + row.time().charAt(12) - '0']++;
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
            flagged.add(new Report.Flagged(row.file() + ":" + row.line(), row.time(), row.event(), row.protocol().toLowerCase(Locale.ROOT),
                    address(row.localAddress(), row.localPort()), address(row.remoteAddress(), row.remotePort()), row.state(),
                    row.pid() < 0 ? "" : Integer.toString(row.pid()), row.process(), row.user(), row.exePath(), reasons));
        }
    }

    private static String address(String address, int port) {
        return Addresses.format(address, port);
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
        if (reader.shortRows() > 0) {
            notes.add(reader.shortRows() + " rows have fewer fields than their header; missing fields are read as empty");
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
}
