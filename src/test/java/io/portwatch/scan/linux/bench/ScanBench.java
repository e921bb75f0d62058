package io.portwatch.scan.linux.bench;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketReader;
import io.portwatch.scan.linux.LinuxSocketSource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Benchmark, not a test: times portwatch's Linux scan in this JVM and prints one JSON line.
 *
 * <pre>
 *   java -cp target/portwatch.jar:target/test-classes io.portwatch.scan.linux.bench.ScanBench \
 *        [--reader netlink|proc] [--steady K] [--eval-rows R] [--eval-warmup W] [--eval-runs E] [--eval-hot]
 * </pre>
 *
 * <p>The source is made as {@code run} makes it with the defaults ({@code namespaces=all},
 * {@code scan.listenBacklog=auto} in portwatch's own JVM), with the reader of {@code --reader} (default
 * {@code proc}, as a source made without options reads). When netlink was asked and the source fell back to
 * {@code /proc}, the bench fails (exit status 3) rather than time the wrong reader.
 *
 * <ul>
 *   <li>{@code cold}: the first scan of a fresh source in this fresh JVM (class loading and
 *       interpreted code included: what an agent's first scan costs);</li>
 *   <li>{@code cold_warm_jvm}: the first scan of a second, fresh source once the code is compiled
 *       (empty owner cache, warm JIT);</li>
 *   <li>{@code steady}: K further scans of the first source (its cache warm); median, min, max;</li>
 *   <li>wall and thread CPU time, and bytes allocated by this thread
 *       ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}) per scan;</li>
 *   <li>heap: peak used over the run (sum of the heap pools' peaks) and the heap still used after a
 *       full GC while the last snapshot and the source's caches are alive, less what was used before
 *       the first scan;</li>
 *   <li>evaluation of R generated definitions rows (half listening, half connections) against the
 *       last snapshot: median of E runs after W warm-up runs (an agent evaluates after every scan, so
 *       its steady state is JIT-compiled code), the first run and the median of the first ten, and
 *       its allocation. With R = 0 it is skipped.</li>
 * </ul>
 */
public final class ScanBench {

    private ScanBench() {
    }

    public static void main(String[] args) throws Exception {
        int steady = intArg(args, "--steady", 9);
        int evalRows = intArg(args, "--eval-rows", 0);
        int evalRuns = intArg(args, "--eval-runs", 15);
        int evalWarmup = intArg(args, "--eval-warmup", 50);
        boolean hot = Arrays.asList(args).contains("--eval-hot");
        int qualityRows = intArg(args, "--quality-rows", 0);
        SocketReader reader = SocketReader.choose(stringArg(args, "--reader", "proc"), true);
        ScanOptions options = ScanOptions.of("all", "auto", reader, true);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

        long baseline = usedHeapAfterGc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            pool.resetPeakUsage();
        }

        LinuxSocketSource source = open(options);
        Measured cold = measure(threads, source);
        Snapshot last = cold.snapshot;
        cold.snapshot = null;
        List<Measured> runs = new ArrayList<>();
        for (int i = 0; i < steady; i++) {
            last = null; // as the agent does: the previous snapshot may go while the next scan runs
            Measured m = measure(threads, source);
            runs.add(m);
            last = m.snapshot;
            m.snapshot = null;
        }
        LinuxSocketSource second = open(options);
        Measured coldWarm;
        try {
            coldWarm = measure(threads, second);
        } finally {
            second.close();
        }
        coldWarm.snapshot = null;
        long peak = peakHeap();
        long retained = usedHeapAfterGc() - baseline;

        StringBuilder json = new StringBuilder("{");
        json.append("\"reader\":\"").append(source.reader()).append("\",");
        field(json, "sockets", last.sockets().size());
        field(json, "owned", last.sockets().stream().filter(SocketEntry::hasOwner).count());
        field(json, "processes", last.processes().size());
        field(json, "cold_ms", ms(cold.wallNanos));
        field(json, "cold_cpu_ms", ms(cold.cpuNanos));
        field(json, "cold_alloc_bytes", cold.allocated);
        field(json, "cold_warm_jvm_ms", ms(coldWarm.wallNanos));
        field(json, "cold_warm_jvm_alloc_bytes", coldWarm.allocated);
        json.append("\"steady_ms\":").append(stats(runs, m -> ms(m.wallNanos))).append(',');
        json.append("\"steady_cpu_ms\":").append(stats(runs, m -> ms(m.cpuNanos))).append(',');
        json.append("\"steady_alloc_bytes\":").append(stats(runs, m -> m.allocated)).append(',');
        field(json, "peak_heap_bytes", peak);
        field(json, "retained_heap_bytes", retained);
        if (evalRows > 0) {
            Evaluation kept = evaluation(json, threads, last, hot ? hotDefinitions(evalRows) : definitions(evalRows),
                    evalWarmup, evalRuns);
            field(json, "retained_with_eval_bytes", usedHeapAfterGc() - baseline);
            java.lang.ref.Reference.reachabilityFence(kept);
            java.lang.ref.Reference.reachabilityFence(source);
            java.lang.ref.Reference.reachabilityFence(last);
        }
        if (qualityRows > 0) {
            quality(json, threads, source, last, qualityRows, steady);
        }
        source.close();
        json.setLength(json.length() - 1);
        System.out.println(json.append('}'));
    }

    /** The source of {@code options}; exits with status 3 when it does not read with the reader asked for. */
    private static LinuxSocketSource open(ScanOptions options) {
        LinuxSocketSource source = new LinuxSocketSource(options);
        if (!source.reader().equals(options.reader().label())) {
            source.close();
            System.err.println("ScanBench: asked for --reader " + options.reader().label() + ", the source reads "
                    + source.reader() + " (see the log line above): not timing the wrong reader");
            System.exit(3);
        }
        return source;
    }

    private static Evaluation evaluation(StringBuilder json, com.sun.management.ThreadMXBean threads, Snapshot snapshot,
                                   Definitions definitions, int warmup, int runs) {
        int rows = definitions.size();
        EvaluationOptions options = EvaluationOptions.forHost("bench");
        double[] times = new double[runs];
        double[] cpu = new double[runs];
        long allocated = 0;
        int green = 0;
        Evaluation e = null;
        double first = 0;
        double[] early = new double[Math.min(10, warmup)];
        for (int i = -warmup; i < runs; i++) { // as the agent evaluates after every scan: JIT-compiled after a while
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long c0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            e = null; // as the agent does: the previous evaluation may go while the next one runs
            e = Evaluator.evaluate(definitions, snapshot, ResolvedNames.NONE, options);
            long t1 = System.nanoTime();
            long c1 = threads.getCurrentThreadCpuTime();
            long a1 = threads.getCurrentThreadAllocatedBytes();
            if (i == -warmup) {
                first = ms(t1 - t0);
            }
            if (i < 0 && i + warmup < early.length) {
                early[i + warmup] = ms(t1 - t0);
            }
            if (i >= 0) {
                times[i] = ms(t1 - t0);
                cpu[i] = ms(c1 - c0);
                allocated = a1 - a0;
                green = (int) (e.listening().stream().filter(r -> r.health().name().equals("GREEN")).count()
                        + e.connections().stream().filter(r -> r.health().name().equals("GREEN")).count());
            }
        }
        Arrays.sort(times);
        Arrays.sort(cpu);
        field(json, "eval_rows", rows);
        field(json, "eval_green", green);
        json.append("\"eval_ms\":{\"median\":").append(fmt(times[runs / 2])).append(",\"min\":").append(fmt(times[0]))
                .append(",\"max\":").append(fmt(times[runs - 1])).append("},");
        json.append("\"eval_cpu_ms\":{\"median\":").append(fmt(cpu[runs / 2])).append(",\"min\":").append(fmt(cpu[0]))
                .append(",\"max\":").append(fmt(cpu[runs - 1])).append("},");
        field(json, "eval_alloc_bytes", allocated);
        field(json, "eval_warmup", warmup);
        field(json, "eval_runs", runs);
        field(json, "eval_first_ms", first);
        Arrays.sort(early);
        field(json, "eval_first10_median_ms", early.length == 0 ? 0.0 : early[early.length / 2]);
        return e;
    }

    /**
     * {@code rows} rows as a large fleet file has them: each row its own target. Listening rows: the
     * generator's four ports ({@code loopback-conns -b 20000}) and then ports 1024, 1025, ... (mostly
     * RED). Connection rows: the generator's four ports from both its source addresses (each matching
     * about N/4 sockets), then one row per database peer {@code 10.x.y.z:5432} (no socket).
     */
    static Definitions definitions(int rows) {
        List<ListeningRow> listening = new ArrayList<>();
        List<ConnectionRow> connections = new ArrayList<>();
        Source source = new Source("bench", 1);
        for (int i = 0; i < rows / 2; i++) {
            int port = i < 4 ? 20000 + i : 1024 + i;
            listening.add(new ListeningRow("l" + i, Protocol.TCP, Optional.empty(), new PortRange(port, port),
                    NamePattern.of(i % 2 == 0 ? "loopback-conns" : "lbc-server-*"), "", NamePattern.ANY,
                    Severity.CRITICAL, source));
        }
        for (int i = 0; i < rows - rows / 2; i++) {
            String remote = i < 8 ? "127.0.0." + (1 + i / 4) : "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            int port = i < 8 ? 20000 + i % 4 : 5432;
            connections.add(new ConnectionRow("c" + i, Optional.of(Addresses.parseLiteral(remote)), "",
                    new PortRange(port, port), PortRange.ANY, NamePattern.of(i % 2 == 0 ? "lbc-client-*" : "*"), "",
                    NamePattern.ANY, 1, OptionalInt.empty(), Severity.WARNING, source));
        }
        return new Definitions(listening, connections);
    }

    /**
     * The worst case: every row on one of the generator's ports, so that each connection row looks
     * at about N/4 sockets.
     */
    static Definitions hotDefinitions(int rows) {
        List<ListeningRow> listening = new ArrayList<>();
        List<ConnectionRow> connections = new ArrayList<>();
        Source source = new Source("bench", 1);
        for (int i = 0; i < rows / 2; i++) {
            int port = i % 4 == 0 ? 20000 + i / 4 % 4 : 1024 + i % 60000;
            NamePattern proc = NamePattern.of(i % 3 == 0 ? "lbc-*" : i % 3 == 1 ? "loopback-conns" : "nginx");
            listening.add(new ListeningRow("l" + i, Protocol.TCP, Optional.empty(), new PortRange(port, port), proc, "",
                    NamePattern.ANY, Severity.CRITICAL, source));
        }
        for (int i = 0; i < rows - rows / 2; i++) {
            int port = 20000 + i % 4;
            int min = i % 5 == 0 ? 100_000 : 1;
            Optional<java.net.InetAddress> remote = Optional.of(Addresses.parseLiteral(i % 2 == 0 ? "127.0.0.1" : "127.0.0.2"));
            NamePattern proc = NamePattern.of(i % 3 == 0 ? "lbc-client-*" : i % 3 == 1 ? "*" : "psql");
            connections.add(new ConnectionRow("c" + i, remote, "", new PortRange(port, port), PortRange.ANY, proc, "",
                    NamePattern.ANY, min, OptionalInt.empty(), Severity.WARNING, source));
        }
        return new Definitions(listening, connections);
    }

    /**
     * What measuring connection quality adds to a steady scan (issue 23: at most 10 % with 100 connection rows):
     * steady scans of one source, in rotating order, measuring none, R rows on idle remote ports (1000 and up: the
     * kernel runs the filter on every socket and sends none), and R - 1 idle rows plus the loaded server port with the
     * most connections (each of its connections sends its {@code tcp_info}).
     */
    private static void quality(StringBuilder json, com.sun.management.ThreadMXBean threads, LinuxSocketSource source,
                                Snapshot last, int rows, int rounds) throws Exception {
        Map<Integer, Integer> byRemotePort = new HashMap<>();
        for (SocketEntry e : last.sockets()) {
            if (e.state() == io.portwatch.scan.SocketState.ESTABLISHED && e.remotePort() > 0 && e.remotePort() < 32768) {
                byRemotePort.merge(e.remotePort(), 1, Integer::sum);
            }
        }
        int loaded = byRemotePort.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(1);
        List<int[]> idle = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            idle.add(new int[] {1000 + i, 1000 + i});
        }
        List<int[]> withLoaded = new ArrayList<>(idle.subList(0, rows - 1));
        withLoaded.add(new int[] {loaded, loaded});
        List<List<int[]>> configs = List.of(List.of(), idle, withLoaded);
        List<List<Measured>> runs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        long[] measured = new long[3];
        for (int round = 0; round < rounds + 1; round++) {
            for (int k = 0; k < 3; k++) {
                int c = (k + round) % 3;
                source.measureQualityFor(configs.get(c));
                Measured m = measure(threads, source);
                measured[c] = m.snapshot.sockets().stream().filter(e -> e.quality() != null).count();
                m.snapshot = null;
                if (round > 0) { // the first round warms each configuration up
                    runs.get(c).add(m);
                }
            }
        }
        source.measureQualityFor(List.of());
        field(json, "quality_rows", rows);
        field(json, "quality_loaded_port", loaded);
        String[] names = {"none", "idle", "loaded"};
        for (int c = 0; c < 3; c++) {
            json.append("\"quality_").append(names[c]).append("_ms\":").append(stats(runs.get(c), m -> ms(m.wallNanos)))
                    .append(',');
            json.append("\"quality_").append(names[c]).append("_cpu_ms\":")
                    .append(stats(runs.get(c), m -> ms(m.cpuNanos))).append(',');
            json.append("\"quality_").append(names[c]).append("_alloc_bytes\":")
                    .append(stats(runs.get(c), m -> m.allocated)).append(',');
            field(json, "quality_" + names[c] + "_measured", measured[c]);
        }
    }

    private static Measured measure(com.sun.management.ThreadMXBean threads, LinuxSocketSource source) throws Exception {
        Measured m = new Measured();
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long c0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        m.snapshot = source.scan();
        m.wallNanos = System.nanoTime() - t0;
        m.cpuNanos = threads.getCurrentThreadCpuTime() - c0;
        m.allocated = threads.getCurrentThreadAllocatedBytes() - a0;
        return m;
    }

    private static final class Measured {
        Snapshot snapshot;
        long wallNanos;
        long cpuNanos;
        long allocated;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static String stats(List<Measured> runs, java.util.function.ToDoubleFunction<Measured> value) {
        double[] v = runs.stream().mapToDouble(value).sorted().toArray();
        StringBuilder all = new StringBuilder();
        runs.forEach(m -> all.append(all.length() == 0 ? "" : ",").append(fmt(value.applyAsDouble(m))));
        return "{\"median\":" + fmt(v[v.length / 2]) + ",\"min\":" + fmt(v[0]) + ",\"max\":" + fmt(v[v.length - 1])
                + ",\"all\":[" + all + "]}";
    }

    private static void field(StringBuilder json, String name, Object value) {
        json.append('"').append(name).append("\":").append(value instanceof Double ? fmt((Double) value) : value).append(',');
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String stringArg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
