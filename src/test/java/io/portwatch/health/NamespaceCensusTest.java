package io.portwatch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portwatch.config.Definitions;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.testing.NamespacedSockets;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The census keeps each process name's counts per network namespace name too ({@code prometheus.netnsLabel}),
 * while the names, the cap and the per-name counts (the Process MBeans) stay as they were.
 */
class NamespaceCensusTest {

    private static final String HOST = NamespacedSockets.HOST.name();
    private static final String CONTAINER = NamespacedSockets.CONTAINER.name();

    private static Map<String, ProcessSockets> census() {
        List<ProcessSockets> processes = Evaluator.evaluate(Definitions.EMPTY, NamespacedSockets.snapshot(),
                ResolvedNames.NONE, EvaluationOptions.forHost("h").withProcessesMax(NamespacedSockets.PROCESSES_MAX))
                .processes();
        assertEquals(List.of("a", "nginx", "unknown", "other"),
                processes.stream().map(ProcessSockets::name).collect(Collectors.toList()), "the cap counts names");
        return processes.stream().collect(Collectors.toMap(ProcessSockets::name, p -> p));
    }

    @Test
    void eachNamesCountsAreSplitByTheNamespaceOfItsSockets() {
        ProcessSockets nginx = census().get("nginx");
        assertEquals("ESTABLISHED=5 LISTEN=1", text(nginx.counts()), "one Process MBean for the name, all namespaces");
        assertEquals(Map.of(HOST, "ESTABLISHED=3", CONTAINER, "ESTABLISHED=2 LISTEN=1"), text(nginx.byNetns()));
        assertEquals(Map.of(10, Map.of(HOST, "ESTABLISHED=2"), 11, Map.of(CONTAINER, "ESTABLISHED=1 LISTEN=1"),
                12, Map.of(HOST, "ESTABLISHED=1", CONTAINER, "ESTABLISHED=1")), byPidAndNetns(nginx));
        assertEquals("ESTABLISHED=2", text(nginx.byPid().get(12)), "a pid in two namespaces: one sum per pid");
        assertEquals(Map.of(HOST, "ESTABLISHED=3"), text(census().get("a").byNetns()));
    }

    @Test
    void unseenOwnersAndTheOtherBucketAreSplitByNamespaceToo() {
        Map<String, ProcessSockets> census = census();
        ProcessSockets unknown = census.get("unknown");
        assertEquals(Map.of(HOST, "TIME_WAIT=1", CONTAINER, "TIME_WAIT=2"), text(unknown.byNetns()),
                "the namespace of a socket is known when its owner is not");
        assertEquals(Map.of(), unknown.byPidAndNetns());
        ProcessSockets other = census.get("other");
        assertEquals(Map.of(HOST, "ESTABLISHED=2", CONTAINER, "ESTABLISHED=1"), text(other.byNetns()));
        assertEquals(Map.of(21, Map.of(CONTAINER, "ESTABLISHED=1"), 22, Map.of(HOST, "ESTABLISHED=1"),
                23, Map.of(HOST, "ESTABLISHED=1")),
                byPidAndNetns(other));
    }

    @Test
    void socketsOfOneNamespaceShareTheNamesCounts() {
        // the usual case (every socket in one namespace) builds no second set of counts
        ProcessSockets a = census().get("a");
        assertEquals(a.counts(), a.byNetns().get(HOST));
    }

    /** TCP counts as {@code STATE=n ...} in state order. */
    private static String text(SocketCounts counts) {
        assertEquals(0, counts.total(Protocol.UDP));
        return counts.asMap().getOrDefault(Protocol.TCP, Map.of()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static Map<String, String> text(Map<String, SocketCounts> byNetns) {
        Map<String, String> out = new TreeMap<>();
        byNetns.forEach((netns, counts) -> out.put(netns, text(counts)));
        return out;
    }

    private static Map<Integer, Map<String, String>> byPidAndNetns(ProcessSockets p) {
        Map<Integer, Map<String, String>> out = new TreeMap<>();
        p.byPidAndNetns().forEach((pid, byNetns) -> out.put(pid, text(byNetns)));
        return out;
    }

}
