package io.portwatch.prometheus;

import static io.portwatch.prometheus.Exposition.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.PortRange;
import io.portwatch.config.QualityLimits;
import io.portwatch.health.ConnectionReason;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.health.QualityHistory;
import io.portwatch.health.ListeningReason;
import io.portwatch.state.MonitorState;
import io.portwatch.health.ReasonCode;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Resolution;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.TcpQuality;
import org.junit.jupiter.api.Test;
import io.portwatch.testing.Rows;
import io.portwatch.testing.States;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The {@code reason} label of {@code portwatch_row_reason_info} takes its values from a closed set
 * (docs/design.md §4): evaluated on random snapshots and rows, the collector emits nothing else, reaches every
 * value, and a restart (every pid changed) makes no new series.
 */
class ReasonLabelTest {

    /** Every value the label may take, written out: a new case must be added here and in the README. */
    static final Map<String, Set<String>> FIXED = Map.of(
            "listening", Set.of("listening", "owned by another process", "bound to another address",
                    "owner not visible", "not accepting", "not listening"),
            "connection", Set.of("established count as expected", "fewer established than minCount",
                    "more established than maxCount", "only transitional states", "established by another process",
                    "established, owner not visible", "only CLOSE_WAIT", "no matching connection",
                    "remoteName does not resolve", "remoteName not resolved yet", "stalled", "retransmitting", "slow"));

    private static final String[] LOCALS = {"0.0.0.0", "::", "127.0.0.1", "10.0.0.5", "2001:db8::5"};
    private static final String[] REMOTES = {"10.0.0.1", "10.0.0.2", "2001:db8::1"};
    private static final int[] PORTS = {22, 80, 443, 5432};
    private static final String[] NAMES = {"java", "nginx", "sshd", "postgres", "app"};
    private static final String[] PATTERNS = {"*", "java", "nginx", "post*", "missing"};
    private static final SocketState[] STATES = SocketState.values();
    private static final ResolvedNames RESOLVED = new ResolvedNames(Map.of(
            "db", Resolution.of(List.of(Addresses.parseLiteral("10.0.0.2"), Addresses.parseLiteral("2001:db8::1"))),
            "gone", Resolution.failed("unknown host")));

    @Test
    void enumsAndTheWrittenOutSetAgree() {
        assertEquals(FIXED.get("listening"), labels(ListeningReason.values()));
        assertEquals(FIXED.get("connection"), labels(ConnectionReason.values()));
    }

    @Test
    void theCollectorEmitsOnlyFixedReasonsAndReachesEachOfThem() {
        Map<String, Set<String>> seen = Map.of("listening", new TreeSet<>(), "connection", new TreeSet<>());
        int fullReasons = 0;
        Set<String> distinctFullReasons = new TreeSet<>();
        for (long seed = 1; seed <= 200; seed++) {
            Random random = new Random(seed);
            Snapshot snapshot = randomSnapshot(random, 0);
            Definitions definitions = randomDefinitions(random);
            MonitorState state = state(definitions, snapshot);
            for (TextFormat.Sample s : reasonSamples(state)) {
                String kind = s.labels().get("kind");
                String reason = s.labels().get("reason");
                long where = seed;
                assertTrue(FIXED.get(kind).contains(reason), () -> "seed " + where + ": " + kind + " reason " + reason);
                seen.get(kind).add(reason);
            }
            Evaluation e = state.evaluation().orElseThrow();
            fullReasons += e.listening().size() + e.connections().size();
            e.rows().forEach(r -> distinctFullReasons.add(r.reason()));
        }
        assertEquals(FIXED, seen, "every case reached by the random rows");
        // the full reasons are many more: they carry ports, addresses, pids and counts
        assertTrue(distinctFullReasons.size() > 10 * (FIXED.get("listening").size() + FIXED.get("connection").size()),
                distinctFullReasons.size() + " distinct full reasons of " + fullReasons);
    }

    @Test
    void aRestartOfEveryProcessMakesNoNewReasonSeries() {
        int changedFullReasons = 0;
        for (long seed = 1; seed <= 100; seed++) {
            Definitions definitions = randomDefinitions(new Random(seed * 31));
            Snapshot before = randomSnapshot(new Random(seed), 0);
            Snapshot after = randomSnapshot(new Random(seed), 1000); // the same sockets, every pid + 1000
            MonitorState a = state(definitions, before);
            MonitorState b = state(definitions, after);
            assertEquals(series(a), series(b), "seed " + seed);
            List<String> fullBefore = a.evaluation().orElseThrow().rows().map(r -> r.reason()).toList();
            List<String> fullAfter = b.evaluation().orElseThrow().rows().map(r -> r.reason()).toList();
            for (int i = 0; i < fullBefore.size(); i++) {
                changedFullReasons += fullBefore.get(i).equals(fullAfter.get(i)) ? 0 : 1;
            }
        }
        assertTrue(changedFullReasons > 100, "the full reasons name the pids: " + changedFullReasons + " changed");
    }

    private static Set<String> labels(ReasonCode[] codes) {
        return Arrays.stream(codes).map(ReasonCode::label).collect(Collectors.toSet());
    }

    private static List<TextFormat.Sample> reasonSamples(MonitorState state) {
        return TextFormat.parseText(render(state, false, null)).get("portwatch_row_reason_info").samples();
    }

    private static Set<Map<String, String>> series(MonitorState state) {
        return reasonSamples(state).stream().map(TextFormat.Sample::labels).collect(Collectors.toSet());
    }

    /** The state after two scans: the first of the same sockets with their segment counters at zero. */
    private static MonitorState state(Definitions definitions, Snapshot snapshot) {
        List<SocketEntry> fresh = new ArrayList<>();
        for (SocketEntry s : snapshot.sockets()) {
            TcpQuality q = s.quality();
            fresh.add(q == null ? s : s.withQuality(new TcpQuality(q.cookie(), q.rttMicros(), 0, 0, q.unacked(),
                    q.lastAckReceivedMillis(), 0, 0)));
        }
        QualityHistory first = Evaluator.evaluate(definitions, new Snapshot(snapshot.takenAt(), snapshot.duration(), fresh,
                snapshot.processes()), RESOLVED, EvaluationOptions.forHost("web01")).quality();
        Evaluation e = Evaluator.evaluate(definitions, snapshot, RESOLVED, EvaluationOptions.forHost("web01"), first);
        return States.builder().version("1").source("test").definitions(definitions).scanned(States.SCANNED, e)
                .took(Duration.ofMillis(5)).build();
    }

    /** Listeners and connections of 5 named processes, of a pid without process info, and of unseen owners. */
    private static Snapshot randomSnapshot(Random random, int pidShift) {
        Map<Integer, ProcessInfo> processes = new HashMap<>();
        for (int i = 0; i < NAMES.length; i++) {
            int pid = 100 + i + pidShift;
            processes.put(pid, new ProcessInfo(pid, NAMES[i], NAMES[i], "u", "", "", null));
        }
        int[] pids = {100, 101, 102, 103, 104, 999, SocketEntry.UNKNOWN_PID};
        List<SocketEntry> sockets = new ArrayList<>();
        int n = 5 + random.nextInt(60);
        for (int i = 0; i < n; i++) {
            int pid = pids[random.nextInt(pids.length)];
            pid = pid == SocketEntry.UNKNOWN_PID ? pid : pid + pidShift;
            InetAddress local = Addresses.parseLiteral(LOCALS[random.nextInt(LOCALS.length)]);
            int port = PORTS[random.nextInt(PORTS.length)];
            if (random.nextInt(3) == 0) {
                boolean udp = random.nextInt(4) == 0;
                InetAddress any = local.getAddress().length == 4 ? Addresses.anyIPv4() : Addresses.anyIPv6();
                int backlog = random.nextInt(3);
                int queue = random.nextInt(4) == 0 ? backlog + 1 : random.nextInt(backlog + 1); // full, or not
                sockets.add(new SocketEntry(udp ? Protocol.UDP : Protocol.TCP, local, port, any, 0,
                        udp ? SocketState.UNCONN : SocketState.LISTEN, i + 1, 0, pid, queue, backlog));
            } else {
                SocketState state = random.nextBoolean() ? SocketState.ESTABLISHED : STATES[random.nextInt(STATES.length)];
                InetAddress remote = Addresses.parseLiteral(REMOTES[random.nextInt(REMOTES.length)]);
                InetAddress from = Addresses.parseLiteral(remote.getAddress().length == 4 ? "10.0.0.5" : "2001:db8::5");
                long sent = 50 + random.nextInt(2000);
                TcpQuality quality = new TcpQuality(i + 1, random.nextInt(4) == 0 ? 300_000 : 1_000, sent,
                        random.nextInt(4) == 0 ? sent / 5 : 0, random.nextInt(3), random.nextInt(4) == 0 ? 60_000 : 1_000,
                        0, 0);
                sockets.add(new SocketEntry(Protocol.TCP, from, 30000 + random.nextInt(1000), remote, port, state, i + 1,
                        0, pid).withQuality(state == SocketState.ESTABLISHED ? quality : null));
            }
        }
        return new Snapshot(States.SCANNED, Duration.ofMillis(1), sockets, processes);
    }

    private static Definitions randomDefinitions(Random random) {
        List<ListeningRow> listening = new ArrayList<>();
        List<ConnectionRow> connections = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String local = random.nextInt(3) == 0 ? "" : LOCALS[2 + random.nextInt(3)];
            listening.add(Rows.listening("l" + i).protocol(random.nextInt(4) == 0 ? Protocol.UDP : Protocol.TCP)
                    .localIP(local).port(port(random)).proc(PATTERNS[random.nextInt(PATTERNS.length)])
                    .source("l.csv", i + 2).build());
            String remoteName = random.nextInt(3) == 0 ? new String[] {"db", "gone", "later"}[random.nextInt(3)] : "";
            Optional<InetAddress> remoteIP = random.nextInt(3) == 0 ? Optional.empty()
                    : Optional.of(Addresses.parseLiteral(REMOTES[random.nextInt(REMOTES.length)]));
            if (!remoteName.isEmpty() && random.nextBoolean()) {
                remoteIP = Optional.empty();
            }
            int min = random.nextInt(4);
            OptionalInt max = random.nextBoolean() ? OptionalInt.empty() : OptionalInt.of(min + random.nextInt(2));
            connections.add(Rows.connection("c" + i).remoteIP(remoteIP).remoteName(remoteName).remotePort(port(random))
                    .proc(PATTERNS[random.nextInt(PATTERNS.length)]).min(min).max(max).source("c.csv", i + 2).build()
                    .withQuality(new QualityLimits(OptionalInt.empty(),
                            random.nextBoolean() ? OptionalInt.of(100) : OptionalInt.empty(),
                            random.nextBoolean() ? OptionalDouble.of(5) : OptionalDouble.empty())));
        }
        return new Definitions(listening, connections);
    }

    private static PortRange port(Random random) {
        if (random.nextInt(5) == 0) {
            return PortRange.parse("20-100");
        }
        int p = random.nextInt(6) == 0 ? 8080 : PORTS[random.nextInt(PORTS.length)];
        return new PortRange(p, p);
    }
}
