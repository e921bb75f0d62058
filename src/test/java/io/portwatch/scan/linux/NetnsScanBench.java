package io.portwatch.scan.linux;

import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark, not a test: times the Linux scan of every network namespace ({@code namespaces=all}, with the
 * default namespace reader threads and with the scan thread alone) and of the own namespace only ({@code own})
 * in this JVM, and prints one JSON line. Run by {@code bench/netns.sh}, which
 * creates the namespaces and their sockets.
 *
 * <pre>
 *   java -cp target/portwatch.jar:target/test-classes io.portwatch.scan.linux.NetnsScanBench [--steady K]
 * </pre>
 * For each mode: one cold scan of a fresh source, then K steady scans of it (median, min, max, in ms), the process
 * CPU time per steady scan, the sockets and namespaces the last scan saw.
 */
public final class NetnsScanBench {

    /** CPU time of this whole process (the scan thread and the namespace readers; JIT and GC too). */
    private static final com.sun.management.OperatingSystemMXBean PROCESS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private NetnsScanBench() {
    }

    public static void main(String[] args) throws Exception {
        int steady = args.length == 2 && args[0].equals("--steady") ? Integer.parseInt(args[1]) : 15;
        String all = run(new LinuxSocketSource(new ScanOptions(true, true)), steady);
        String allOneThread = run(new LinuxSocketSource(Path.of("/proc"), Path.of("/etc/passwd"),
                Files::newDirectoryStream, Path.of("/run/netns"), true, true, 0), steady);
        String own = run(new LinuxSocketSource(new ScanOptions(false, true)), steady);
        System.out.println("{\"all\":" + all + ",\"all_one_thread\":" + allOneThread + ",\"own\":" + own
                + ",\"helpers\":" + NamespaceTables.defaultHelpers() + "}");
    }

    private static String run(LinuxSocketSource source, int steady) throws Exception {
        long t0 = System.nanoTime();
        Snapshot last = source.scan();
        double cold = (System.nanoTime() - t0) / 1e6;
        double[] times = new double[steady];
        long cpu0 = PROCESS.getProcessCpuTime();
        for (int i = 0; i < steady; i++) {
            last = null;
            long t = System.nanoTime();
            last = source.scan();
            times[i] = (System.nanoTime() - t) / 1e6;
        }
        double cpu = (PROCESS.getProcessCpuTime() - cpu0) / 1e6 / steady;
        Arrays.sort(times);
        Map<NetNamespace, Boolean> namespaces = new IdentityHashMap<>();
        int owned = 0;
        for (SocketEntry s : last.sockets()) {
            namespaces.put(s.netns(), Boolean.TRUE);
            owned += s.hasOwner() ? 1 : 0;
        }
        return String.format(Locale.ROOT,
                "{\"sockets\":%d,\"owned\":%d,\"namespaces\":%d,\"cold_ms\":%.2f,\"steady_median_ms\":%.2f,"
                        + "\"steady_min_ms\":%.2f,\"steady_max_ms\":%.2f,\"steady_cpu_ms\":%.2f}",
                last.sockets().size(), owned, namespaces.size(), cold, times[steady / 2], times[0], times[steady - 1],
                cpu);
    }
}
