package io.portwatch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.Definitions;
import io.portwatch.config.ListenerIgnoreList;
import io.portwatch.config.Settings;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;
import io.portwatch.testing.SnapshotBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code processes.max}: at most that many process names, the rest summed as {@code other} (docs/design.md §4). */
class ProcessCapTest {

    /** pid → (name, sockets): a has 3, b 5, c 5, d 1, e 2; plus 1 socket whose owner cannot be seen. */
    private static Snapshot fiveNames() {
        SnapshotBuilder b = new SnapshotBuilder()
                .process(10, "a").process(11, "b").process(12, "c").process(13, "d").process(14, "e").process(15, "e");
        int[][] socketsByPid = {{10, 3}, {11, 5}, {12, 5}, {13, 1}, {14, 1}, {15, 1}};
        int port = 40000;
        for (int[] pidAndCount : socketsByPid) {
            for (int i = 0; i < pidAndCount[1]; i++) {
                b.tcp("10.0.0.1", port++, "10.0.0.9", 443, SocketState.ESTABLISHED, pidAndCount[0]);
            }
        }
        return b.tcp("10.0.0.1", port, "10.0.0.9", 443, SocketState.TIME_WAIT, SocketEntry.UNKNOWN_PID).build();
    }

    private static List<ProcessSockets> processes(Snapshot snapshot, int max) {
        return Evaluator.evaluate(Definitions.EMPTY, snapshot, ResolvedNames.NONE,
                EvaluationOptions.forHost("h").withProcessesMax(max)).processes();
    }

    private static List<String> names(List<ProcessSockets> processes) {
        return processes.stream().map(ProcessSockets::name).collect(Collectors.toList());
    }

    private static Map<String, Integer> totals(List<ProcessSockets> processes) {
        Map<String, Integer> out = new HashMap<>();
        processes.forEach(p -> out.put(p.name(), p.counts().total()));
        return out;
    }

    @Test
    void namesBeyondTheCapAreSummedAsOtherAfterTheKeptNames() {
        List<ProcessSockets> capped = processes(fiveNames(), 4);

        // unknown takes one of the 4 places; b and c (5 each) and a (3) have the most sockets
        assertEquals(List.of("a", "b", "c", "unknown", "other"), names(capped));
        assertEquals(Map.of("a", 3, "b", 5, "c", 5, "unknown", 1, "other", 3), totals(capped));
        ProcessSockets other = capped.get(4);
        assertTrue(other.isOther());
        assertEquals(List.of(13, 14, 15), other.pids(), "the pids of d and both e");
        assertEquals(List.of("root"), other.users());
        assertEquals(3, other.counts().get(Protocol.TCP, SocketState.ESTABLISHED));
        assertEquals(Set.of(13, 14, 15), other.byPid().keySet());
        assertEquals(1, other.byPid().get(15).total());
    }

    @Test
    void equalSocketCountsAreDecidedByName() {
        // one place after unknown: b and c both have 5 sockets, b sorts first
        assertEquals(List.of("b", "unknown", "other"), names(processes(fiveNames(), 2)));
        assertEquals(Map.of("b", 5, "unknown", 1, "other", 11), totals(processes(fiveNames(), 2)));
    }

    @Test
    void unknownIsKeptEvenWhenItHasTheFewestSockets() {
        assertEquals(List.of("unknown", "other"), names(processes(fiveNames(), 1)));
        assertEquals(16, totals(processes(fiveNames(), 1)).get("other"));
    }

    @Test
    void noOtherWhenTheNamesFitTheCap() {
        // 5 names and unknown: 6 fit in 6
        assertEquals(List.of("a", "b", "c", "d", "e", "unknown"), names(processes(fiveNames(), 6)));
        assertEquals(List.of("a", "b", "c", "d", "e", "unknown"), names(processes(fiveNames(), 200)));
        assertEquals(List.of("a", "b", "c", "unknown", "other"), names(processes(fiveNames(), 4)));
        assertEquals(List.of("a", "b", "c", "e", "unknown", "other"), names(processes(fiveNames(), 5)));
    }

    @Test
    void everySocketIsCountedOnceWhateverTheCap() {
        Snapshot snapshot = fiveNames();
        for (int max = 1; max <= 8; max++) {
            List<ProcessSockets> capped = processes(snapshot, max);
            int max1 = max;
            assertTrue(capped.size() <= max + 1, () -> "max " + max1 + ": " + names(capped));
            assertEquals(snapshot.sockets().size(), capped.stream().mapToInt(p -> p.counts().total()).sum());
            Set<Integer> pids = new HashSet<>();
            capped.forEach(p -> p.pids().forEach(pid -> assertTrue(pids.add(pid), "pid " + pid + " twice")));
            assertEquals(Set.of(10, 11, 12, 13, 14, 15), pids);
        }
    }

    @Test
    void theKeptNamesDoNotDependOnTheOrderOfTheSockets() {
        Snapshot snapshot = fiveNames();
        List<ProcessSockets> expected = processes(snapshot, 3);
        Random random = new Random(3);
        for (int i = 0; i < 20; i++) {
            List<SocketEntry> shuffled = new ArrayList<>(snapshot.sockets());
            Collections.shuffle(shuffled, random);
            Snapshot s = new Snapshot(snapshot.takenAt(), snapshot.duration(), shuffled, snapshot.processes());
            List<ProcessSockets> actual = processes(s, 3);
            assertEquals(names(expected), names(actual));
            assertEquals(totals(expected), totals(actual));
            assertEquals(expected.get(expected.size() - 1).pids(), actual.get(actual.size() - 1).pids());
        }
    }

    @Test
    void processesReallyNamedLikeABucketAreNotTheBucket() {
        SnapshotBuilder b = new SnapshotBuilder().process(20, "other").process(21, "unknown")
                .process(22, "other_").process(23, "Other").process(24, "others").process(25, "x");
        for (int pid = 20; pid <= 25; pid++) {
            for (int i = 0; i <= 25 - pid; i++) { // x has 1 socket, other 6
                b.tcp("10.0.0.1", 1000 + pid * 10 + i, "10.0.0.9", 443, SocketState.ESTABLISHED, pid);
            }
        }
        Snapshot snapshot = b.tcp("10.0.0.1", 2000, "10.0.0.9", 443, SocketState.ESTABLISHED, 99).build();

        List<ProcessSockets> all = processes(snapshot, 200);
        assertEquals(List.of("Other", "other_", "other__", "others", "unknown", "unknown_", "x"), names(all));
        assertEquals(List.of(20), all.get(1).pids(), "the process named other");
        assertEquals(List.of(), all.get(4).pids(), "unknown: the socket of pid 99, which is not in the snapshot");
        assertFalse(all.stream().anyMatch(ProcessSockets::isOther));

        List<ProcessSockets> capped = processes(snapshot, 3);
        // other_ (6 sockets) and unknown_ (5) keep their places beside unknown
        assertEquals(List.of("other_", "unknown", "unknown_", "other"), names(capped));
        assertEquals(List.of(false, false, false, true), capped.stream().map(ProcessSockets::isOther).toList());
        assertEquals(List.of(22, 23, 24, 25), capped.get(3).pids());
    }

    @Test
    void publishedNamesNeverMeetEachOtherOrTheBuckets() {
        List<String> names = List.of("other", "other_", "other__", "unknown", "unknown_", "unknown__", "Other",
                "UNKNOWN", "other_x", "_other", "othe", "", "x", "other.exe", "unknown ");
        Set<String> published = new HashSet<>();
        for (String n : names) {
            String p = ProcessSockets.publishedName(n);
            assertTrue(published.add(p), () -> n + " meets another name as " + p);
            assertFalse(p.equals(ProcessSockets.OTHER) || p.equals(ProcessSockets.UNKNOWN), n);
        }
        assertEquals("other_", ProcessSockets.publishedName("other"));
        assertEquals("unknown__", ProcessSockets.publishedName("unknown_"));
        assertEquals("Other", ProcessSockets.publishedName("Other"));
        assertEquals("other_x", ProcessSockets.publishedName("other_x"));
    }

    @Test
    void anUnexpectedListenerOfAProcessNamedUnknownIsNotAnUnseenOwner() {
        Snapshot s = new SnapshotBuilder().process(30, "unknown").listen("tcp", "0.0.0.0", 7000, 30)
                .listen("tcp", "0.0.0.0", 7001, SocketEntry.UNKNOWN_PID).build();
        EvaluationOptions warn = new EvaluationOptions("h", true, ListenerIgnoreList.NONE, 200);
        List<UnexpectedListener> unexpected = Evaluator.evaluate(Definitions.EMPTY, s, ResolvedNames.NONE, warn)
                .unexpected();
        assertEquals(List.of("7000 unknown_", "7001 unknown"), unexpected.stream()
                .map(u -> u.socket().localPort() + " " + u.process()).sorted().toList());
    }

    @Test
    void theCapComesFromProcessesMax() throws Exception {
        assertEquals(200, EvaluationOptions.of(Settings.defaults()).processesMax());
        assertEquals(200, EvaluationOptions.forHost("h").processesMax());
        Settings three = Settings.resolve(Map.of("processes.max", "3"), "--", Map.of());
        assertEquals(3, EvaluationOptions.of(three).processesMax());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EvaluationOptions.forHost("h").withProcessesMax(0));
        assertEquals("processesMax: expecting 1 or more, found 0", e.getMessage());
    }

    @Test
    void manyProcessesGiveAtMostTheCapPlusOther() {
        SnapshotBuilder b = new SnapshotBuilder();
        for (int pid = 1000; pid < 1300; pid++) {
            b.process(pid, "p" + pid);
            b.tcp("10.0.0.1", pid, "10.0.0.9", 443, SocketState.ESTABLISHED, pid);
            if (pid % 3 == 0) { // a third have 2 sockets: they are kept first
                b.tcp("10.0.0.1", pid + 10000, "10.0.0.9", 443, SocketState.TIME_WAIT, pid);
            }
        }
        Snapshot snapshot = b.build();
        List<ProcessSockets> capped = Evaluator.evaluate(Definitions.EMPTY, snapshot, ResolvedNames.NONE,
                EvaluationOptions.forHost("h")).processes();
        assertEquals(201, capped.size());
        assertEquals("other", capped.get(200).name());
        assertEquals(100, capped.stream().filter(p -> p.counts().total() == 2).count(), "all 100 with 2 sockets");
        // then the 100 single-socket names that sort first: p1000 .. p1149 but the multiples of 3
        Set<String> kept = capped.subList(0, 200).stream().map(ProcessSockets::name).collect(Collectors.toSet());
        assertTrue(kept.contains("p1000") && kept.contains("p1149") && !kept.contains("p1150")
                && kept.contains("p1299"), kept::toString);
        assertEquals(100, capped.get(200).pids().size());
        assertEquals(100, capped.get(200).counts().total());
        assertEquals(300, capped.stream().mapToInt(p -> p.pids().size()).sum());
    }
}
