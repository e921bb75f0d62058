package io.portwatch.cli;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.text.TextTable;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code connections --stats}: PortQry-style counts and % per state, then per-process counts by state. */
final class ConnectionsStats {

    private ConnectionsStats() {
    }

    static void print(Snapshot snapshot, PrintWriter out) {
        Map<SocketState, Integer> byState = new EnumMap<>(SocketState.class);
        Map<String, Map<SocketState, Integer>> byProcess = new TreeMap<>();
        for (SocketEntry s : snapshot.sockets()) {
            byState.merge(s.state(), 1, Integer::sum);
            String name = snapshot.owner(s).map(ProcessInfo::name).orElse("unknown");
            byProcess.computeIfAbsent(name, n -> new EnumMap<>(SocketState.class)).merge(s.state(), 1, Integer::sum);
        }
        int total = snapshot.sockets().size();
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
