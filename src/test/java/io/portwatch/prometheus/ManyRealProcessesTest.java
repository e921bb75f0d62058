package io.portwatch.prometheus;

import static io.portwatch.prometheus.Exposition.render;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.portwatch.config.Definitions;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.state.MonitorState;
import io.portwatch.health.ProcessSockets;
import io.portwatch.jmx.JmxPublisher;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.linux.LinuxSocketSource;
import io.portwatch.testing.CountingControl;
import io.portwatch.testing.Poll;
import io.portwatch.testing.States;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A local user starting 300 processes with 300 names (docs/design.md §4, §5): real processes, each a
 * {@code sleep} run through a symlink of its own name (Linux takes {@code comm} from the name
 * executed), holding one loopback connection it got from bash's {@code /dev/tcp} before the exec.
 * The Process MBeans and the {@code portwatch_process_sockets} series stay within
 * {@code processes.max} + 1. Every child ends by itself after 120 s and is killed, by its own pid, when
 * the test ends.
 */
@EnabledOnOs(OS.LINUX)
class ManyRealProcessesTest {

    private static final int CHILDREN = 300;
    private static final int CAP = EvaluationOptions.DEFAULT_PROCESSES_MAX;
    /** How long 300 children may take to exec and connect on a loaded machine: a bound, not a measurement. */
    private static final Duration EXEC_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private Thread acceptor;

    @AfterEach
    void stop() throws Exception {
        for (Process p : children) {
            p.destroyForcibly(); // SIGKILL to that pid: only processes this test started
        }
        for (Process p : children) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
            acceptor.join(5000);
        }
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** Child i's name: two of them are named like the buckets. */
    private static String name(int i) {
        return i == 0 ? "other" : i == 1 ? "unknown" : String.format("pwcap%03d", i);
    }

    @Test
    void threeHundredProcessNamesGiveAtMostTheCapPlusOtherInMBeansAndSeries() throws Exception {
        Path sleep = Path.of("/usr/bin/sleep").toRealPath();
        assertTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash for /dev/tcp");
        startChildren(sleep);
        Map<Long, String> names = awaitExecs();

        Snapshot snapshot = new LinuxSocketSource().scan();
        Evaluation all = Evaluator.evaluate(Definitions.EMPTY, snapshot, ResolvedNames.NONE,
                EvaluationOptions.forHost("h").withProcessesMax(100_000));
        Evaluation capped = Evaluator.evaluate(Definitions.EMPTY, snapshot, ResolvedNames.NONE,
                EvaluationOptions.forHost("h"));

        // uncapped: each child is its own name with its one connection; the two odd ones are not buckets
        Map<String, ProcessSockets> byName = all.processes().stream()
                .collect(Collectors.toMap(ProcessSockets::name, p -> p));
        names.forEach((pid, name) -> {
            ProcessSockets p = byName.get(ProcessSockets.publishedName(name));
            assertTrue(p != null, () -> name + " (pid " + pid + ") not in the census");
            assertEquals(List.of(pid.intValue()), p.pids(), name);
            assertEquals(1, p.counts().get(Protocol.TCP, SocketState.ESTABLISHED), name);
        });
        assertTrue(byName.containsKey("other_") && byName.containsKey("unknown_"), byName.keySet()::toString);
        assertFalse(byName.containsKey(ProcessSockets.OTHER), "no bucket without a cap");
        assertTrue(all.processes().size() > CAP + 100, all.processes().size() + " names");

        // capped: the names with the most sockets (ties by name, unknown always kept), then other
        assertEquals(expectedCapped(all.processes()), summary(capped.processes()));
        assertEquals(CAP + 1, capped.processes().size());
        assertEquals(snapshot.sockets().size(), capped.processes().stream().mapToInt(p -> p.counts().total()).sum());
        ProcessSockets other = capped.processes().get(CAP);
        assertTrue(other.isOther());
        Set<Integer> keptPids = capped.processes().subList(0, CAP).stream().flatMap(p -> p.pids().stream())
                .collect(Collectors.toSet());
        names.keySet().forEach(pid -> assertTrue(keptPids.contains(pid.intValue()) ^ other.pids().contains(pid.intValue()),
                () -> "pid " + pid + " counted once, kept or in other"));

        MonitorState state = States.builder().host("h").version("1").scanned(States.SCANNED, capped)
                .took(snapshot.duration()).build();
        Set<String> published = capped.processes().stream().map(ProcessSockets::name).collect(Collectors.toSet());

        // Prometheus: one process label value per published name
        Map<String, TextFormat.Family> text = TextFormat.parseText(render(state, false, null));
        Set<String> seriesNames = text.get("portwatch_process_sockets").samples().stream()
                .map(s -> s.labels().get("process")).collect(Collectors.toSet());
        assertEquals(published, seriesNames);
        Map<String, TextFormat.Family> withPid = TextFormat.parseText(render(state, true, null));
        assertEquals(Set.of(""), withPid.get("portwatch_process_sockets").samples().stream()
                .filter(s -> s.labels().get("process").equals("other")).map(s -> s.labels().get("pid"))
                .collect(Collectors.toSet()), "other stays one sum with the pid label");

        // JMX: one Process MBean per published name, other included
        MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
        try (JmxPublisher publisher = new JmxPublisher(mbeans, () -> state, new CountingControl())) {
            publisher.register();
            Set<ObjectName> processMBeans = mbeans.queryNames(new ObjectName("portwatch:type=Process,*"), null);
            assertEquals(published, processMBeans.stream().map(n -> ObjectName.unquote(quoted(n.getKeyProperty("name"))))
                    .collect(Collectors.toSet()));
            assertTrue(processMBeans.size() <= CAP + 1, processMBeans.size() + " Process MBeans");
            int[] otherPids = (int[]) mbeans.getAttribute(new ObjectName("portwatch:type=Process,name=other"), "Pids");
            assertArrayEquals(other.pids().stream().mapToInt(Integer::intValue).toArray(), otherPids);
            assertEquals(other.counts().total(),
                    mbeans.getAttribute(new ObjectName("portwatch:type=Process,name=other"), "Total"));
        }
    }

    /** An ObjectName value, quoted if it was not (unquote wants quotes). */
    private static String quoted(String value) {
        return value.startsWith("\"") ? value : ObjectName.quote(value);
    }

    /** What the cap should give, computed plainly from the uncapped census: name → total, other last. */
    private static List<String> expectedCapped(List<ProcessSockets> all) {
        List<ProcessSockets> named = all.stream().filter(p -> !p.name().equals(ProcessSockets.UNKNOWN))
                .sorted(Comparator.comparingInt((ProcessSockets p) -> -p.counts().total()).thenComparing(ProcessSockets::name))
                .collect(Collectors.toList());
        boolean unknown = named.size() < all.size();
        int room = CAP - (unknown ? 1 : 0);
        TreeSet<String> kept = new TreeSet<>();
        List<String> out = new ArrayList<>();
        named.subList(0, room).forEach(p -> kept.add(p.name() + "=" + p.counts().total()));
        all.stream().filter(p -> p.name().equals(ProcessSockets.UNKNOWN))
                .forEach(p -> kept.add(p.name() + "=" + p.counts().total()));
        out.addAll(kept);
        List<ProcessSockets> rest = named.subList(room, named.size());
        out.add("other=" + rest.stream().mapToInt(p -> p.counts().total()).sum() + " pids "
                + rest.stream().flatMap(p -> p.pids().stream()).sorted().collect(Collectors.toList()));
        return out;
    }

    private static List<String> summary(List<ProcessSockets> capped) {
        List<String> out = new ArrayList<>();
        TreeSet<String> kept = new TreeSet<>();
        capped.stream().filter(p -> !p.isOther()).forEach(p -> kept.add(p.name() + "=" + p.counts().total()));
        out.addAll(kept);
        capped.stream().filter(ProcessSockets::isOther)
                .forEach(p -> out.add("other=" + p.counts().total() + " pids " + p.pids()));
        return out;
    }

    private void startChildren(Path sleep) throws IOException {
        server = new ServerSocket(0, CHILDREN + 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(server.accept());
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "many-processes-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
        String port = Integer.toString(server.getLocalPort());
        for (int i = 0; i < CHILDREN; i++) {
            Path link = Files.createSymbolicLink(dir.resolve(name(i)), sleep);
            // connect fd 3 first, then become "sleep" under the link's name, keeping fd 3
            children.add(new ProcessBuilder("/bin/bash", "-c", "exec 3<>\"/dev/tcp/127.0.0.1/$1\" && exec \"$2\" 120",
                    "many-processes", port, link.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        }
    }

    /** Waits (at most {@link #EXEC_DEADLINE}) until every child runs under its name, connected; pid → name. */
    private Map<Long, String> awaitExecs() throws Exception {
        Map<Long, String> names = new java.util.HashMap<>();
        Set<Integer> waiting = new HashSet<>();
        for (int i = 0; i < CHILDREN; i++) {
            waiting.add(i);
        }
        Poll.until(EXEC_DEADLINE, () -> waiting.size() + " children never ran under their names", () -> {
            for (java.util.Iterator<Integer> it = waiting.iterator(); it.hasNext(); ) {
                int i = it.next();
                Process p = children.get(i);
                if (!p.isAlive()) {
                    fail(name(i) + " (pid " + p.pid() + ") exited with " + p.exitValue() + " before connecting");
                }
                String comm;
                try {
                    comm = Files.readString(Path.of("/proc", Long.toString(p.pid()), "comm"), StandardCharsets.UTF_8).trim();
                } catch (IOException gone) {
                    continue;
                }
                if (comm.equals(name(i))) {
                    names.put(p.pid(), name(i));
                    it.remove();
                }
            }
            return waiting.isEmpty();
        });
        return names;
    }
}
