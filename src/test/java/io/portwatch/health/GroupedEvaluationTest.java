package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.PortRange;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Resolution;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;
import io.portwatch.testing.SnapshotBuilder;
import io.portwatch.testing.Rows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The grouped connection evaluation ({@link ConnectionTable}, {@link SocketGroup}, {@link PidTallies})
 * gives exactly what a plain walk over every socket gives (docs/design.md §3, written out here the simple
 * way), on random snapshots and rows that use every field.
 */
class GroupedEvaluationTest {

    private static final String[] REMOTES = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "2001:db8::1", "127.0.0.1"};
    private static final int[] PORTS = {22, 80, 443, 5432, 5433, 8080};
    private static final SocketState[] STATES = SocketState.values();
    private static final String[] PATTERNS = {"*", "java", "nginx", "post*", "a?p", "missing"};

    @Test
    void groupedEvaluationEqualsAWalkOverEverySocket() throws Exception {
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            Snapshot snapshot = randomSnapshot(random);
            ResolvedNames names = new ResolvedNames(Map.of(
                    "db", Resolution.of(List.of(address("10.0.0.2"), address("2001:db8::1"))),
                    "gone", Resolution.failed("unknown host")));
            List<ConnectionRow> rows = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                rows.add(randomRow(random, i));
            }
            Evaluation evaluation = Evaluator.evaluate(new Definitions(List.of(), rows), snapshot, names,
                    EvaluationOptions.forHost("h"));
            for (int i = 0; i < rows.size(); i++) {
                ConnectionResult actual = evaluation.connections().get(i);
                Expected expected = walk(rows.get(i), snapshot, names);
                String where = "seed " + seed + ", row " + rows.get(i);
                assertEquals(expected.health, actual.health(), where + ": " + actual.reason());
                assertEquals(expected.byState, actual.byState(), where);
                assertEquals(counted(expected.matched), counted(actual.matched()), where);
                assertEquals(expected.matched.size(), actual.matched().size(), where);
            }
        }
    }

    @Test
    void aRowMatchingManySocketsSeesThemAllInAReadOnlyList() {
        SnapshotBuilder b = new SnapshotBuilder().process(10, "java").process(11, "nginx");
        for (int i = 0; i < 5000; i++) {
            b.tcp("10.0.0.5", 30000 + i, i % 2 == 0 ? "10.0.0.9" : "10.0.0.8", 5432, SocketState.ESTABLISHED, 10 + i % 2);
        }
        Snapshot snapshot = b.build();
        ConnectionRow row = Fixtures.connect("10.0.0.9", "", "5432", "java", 1, null);
        ConnectionResult r = Evaluator.evaluate(new Definitions(List.of(), List.of(row)), snapshot, ResolvedNames.NONE,
                EvaluationOptions.forHost("h")).connections().get(0);
        assertEquals(2500, r.established());
        List<SocketEntry> expected = snapshot.sockets().stream()
                .filter(s -> s.remoteAddress().equals(Fixtures.ip("10.0.0.9"))).collect(Collectors.toList());
        assertEquals(expected, r.matched(), "every matched socket, in snapshot order");
        assertEquals(expected.get(2499), r.matched().get(2499));
        assertThrows(IndexOutOfBoundsException.class, () -> r.matched().get(2500));
        assertThrows(UnsupportedOperationException.class, () -> r.matched().add(expected.get(0)));
        assertThrows(UnsupportedOperationException.class, () -> r.matched().set(0, expected.get(1)));
    }

    @Test
    void pidTalliesCountEveryPidInOrderOfFirstAppearance() {
        PidTallies tallies = new PidTallies(3);
        Map<Integer, int[]> reference = new HashMap<>();
        List<Integer> order = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            int pid = random.nextInt(10) == 0 ? -1 : random.nextInt(5000) * 7919; // many pids, some colliding slots
            int column = random.nextInt(3);
            tallies.add(pid, column, 1);
            if (!reference.containsKey(pid)) {
                order.add(pid);
            }
            reference.computeIfAbsent(pid, p -> new int[3])[column]++;
        }
        assertEquals(order.size(), tallies.size());
        for (int i = 0; i < tallies.size(); i++) {
            assertEquals(order.get(i), tallies.pid(i));
            int[] expected = reference.get(order.get(i));
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[c], tallies.count(i, c), "pid " + order.get(i) + " column " + c);
            }
            assertEquals(List.of(expected[0], expected[1], expected[2]),
                    java.util.Arrays.stream(tallies.counts(i)).boxed().collect(Collectors.toList()));
        }
    }

    /** What docs/design.md §3 says for a connection row, by a walk over every socket. */
    private static Expected walk(ConnectionRow row, Snapshot snapshot, ResolvedNames names) {
        Set<InetAddress> remotes = new java.util.HashSet<>();
        row.remoteIP().ifPresent(remotes::add);
        if (row.hasRemoteName()) {
            names.get(row.remoteName()).ifPresent(r -> remotes.addAll(r.addresses()));
            if (remotes.isEmpty()) {
                return new Expected(Health.RED, Map.of(), List.of());
            }
        }
        List<SocketEntry> matched = new ArrayList<>();
        Map<SocketState, Integer> ours = new EnumMap<>(SocketState.class);
        int others = 0;
        for (SocketEntry s : snapshot.sockets()) {
            boolean connection = s.protocol() == Protocol.TCP && s.state() != SocketState.LISTEN
                    && s.state() != SocketState.CLOSE;
            if (!connection || !row.remotePort().contains(s.remotePort()) || !row.localPort().contains(s.localPort())
                    || !remotes.isEmpty() && !remotes.contains(s.remoteAddress())) {
                continue;
            }
            matched.add(s);
            Optional<ProcessInfo> owner = snapshot.owner(s);
            boolean mine = row.procName().isAny() || owner.map(row.procName()::matchesOwner).orElse(false);
            if (mine || owner.isEmpty() && s.state() != SocketState.ESTABLISHED) {
                ours.merge(s.state(), 1, Integer::sum);
            } else if (s.state() == SocketState.ESTABLISHED) {
                others++;
            }
        }
        int established = ours.getOrDefault(SocketState.ESTABLISHED, 0);
        Health health;
        if (established >= row.minCount() && (row.maxCount().isEmpty() || established <= row.maxCount().getAsInt())) {
            health = Health.GREEN;
        } else if (established > 0 || ours.keySet().stream().anyMatch(SocketState::isTransitional) || others > 0) {
            health = Health.YELLOW;
        } else {
            health = Health.RED; // only CLOSE_WAIT, or nothing
        }
        return new Expected(health, ours, matched);
    }

    private record Expected(Health health, Map<SocketState, Integer> byState, List<SocketEntry> matched) {
    }

    private static Map<SocketEntry, Long> counted(List<SocketEntry> sockets) {
        return sockets.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static Snapshot randomSnapshot(Random random) throws UnknownHostException {
        Map<Integer, ProcessInfo> processes = new HashMap<>();
        String[] names = {"java", "nginx", "postgres", "app", "aXp"};
        for (int pid = 100; pid < 105; pid++) {
            processes.put(pid, new ProcessInfo(pid, names[pid - 100], names[pid - 100], "u", "", "", null));
        }
        int[] pids = {100, 101, 102, 103, 104, 999 /* not in processes */, SocketEntry.UNKNOWN_PID};
        List<SocketEntry> sockets = new ArrayList<>();
        int n = 50 + random.nextInt(400);
        for (int i = 0; i < n; i++) {
            SocketState state = STATES[random.nextInt(STATES.length)];
            if (random.nextInt(3) > 0) {
                state = SocketState.ESTABLISHED;
            }
            Protocol protocol = random.nextInt(10) == 0 ? Protocol.UDP : Protocol.TCP;
            // a fresh object per socket for an equal address: grouping must compare addresses, not objects
            InetAddress remote = address(REMOTES[random.nextInt(REMOTES.length)]);
            InetAddress local = remote.getAddress().length == 4 ? address("10.9.9.9") : address("2001:db8::99");
            int localPort = random.nextInt(4) == 0 ? PORTS[random.nextInt(PORTS.length)] : 30000 + random.nextInt(50);
            sockets.add(new SocketEntry(protocol, local, localPort, remote, PORTS[random.nextInt(PORTS.length)], state,
                    i + 1, 0, pids[random.nextInt(pids.length)]));
        }
        return new Snapshot(Fixtures.AT, Duration.ofMillis(1), sockets, processes);
    }

    private static ConnectionRow randomRow(Random random, int i) throws UnknownHostException {
        Optional<InetAddress> remoteIP = random.nextInt(3) == 0 ? Optional.empty()
                : Optional.of(address(REMOTES[random.nextInt(REMOTES.length)]));
        String remoteName = random.nextInt(4) == 0 ? (random.nextBoolean() ? "db" : "gone") : "";
        PortRange remotePort = switch (random.nextInt(4)) {
            case 0 -> PortRange.ANY;
            case 1 -> new PortRange(440, 5432);
            default -> {
                int p = PORTS[random.nextInt(PORTS.length)];
                yield new PortRange(p, p);
            }
        };
        PortRange localPort = switch (random.nextInt(4)) {
            case 0 -> new PortRange(30000, 30010);
            case 1 -> {
                int p = PORTS[random.nextInt(PORTS.length)];
                yield new PortRange(p, p);
            }
            default -> PortRange.ANY;
        };
        int min = random.nextInt(4);
        OptionalInt max = random.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(min + random.nextInt(3));
        return Rows.connection("r" + i).remoteIP(remoteIP).remoteName(remoteName).remotePort(remotePort)
                .localPort(localPort).proc(PATTERNS[random.nextInt(PATTERNS.length)]).min(min).max(max)
                .source("random.csv", i + 2).build();
    }

    private static InetAddress address(String literal) throws UnknownHostException {
        return InetAddress.getByAddress(InetAddress.getByName(literal).getAddress());
    }
}
