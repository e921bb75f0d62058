package io.portwatch.scan.linux.bench;

import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.linux.LinuxSocketSource;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark, not a test: times the Linux scan of every network namespace ({@code namespaces=all}) and of the own
 * namespace only ({@code own}) in this JVM, and prints one JSON line. Run by {@code bench/netns.sh}, which
 * creates the namespaces and their sockets.
 *
 * <pre>
 *   java -cp target/portwatch.jar:target/test-classes io.portwatch.scan.linux.bench.NetnsScanBench [--steady K]
 * </pre>
 * For each mode: one cold scan of a fresh source, then K steady scans of it (median, min, max, in ms), the sockets
 * and namespaces the last scan saw.
 */
public final class NetnsScanBench {

    private NetnsScanBench() {
    }

    public static void main(String[] args) throws Exception {
        int steady = args.length == 2 && args[0].equals("--steady") ? Integer.parseInt(args[1]) : 15;
        String all = run(new LinuxSocketSource(new ScanOptions(true, true)), steady);
        String own = run(new LinuxSocketSource(new ScanOptions(false, true)), steady);
        System.out.println("{\"all\":" + all + ",\"own\":" + own + "}");
    }

    private static String run(LinuxSocketSource source, int steady) throws Exception {
        long t0 = System.nanoTime();
        Snapshot last = source.scan();
        double cold = (System.nanoTime() - t0) / 1e6;
        double[] times = new double[steady];
        for (int i = 0; i < steady; i++) {
            last = null;
            long t = System.nanoTime();
            last = source.scan();
            times[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(times);
        Map<NetNamespace, Boolean> namespaces = new IdentityHashMap<>();
        int owned = 0;
        for (SocketEntry s : last.sockets()) {
            namespaces.put(s.netns(), Boolean.TRUE);
            owned += s.hasOwner() ? 1 : 0;
        }
        return String.format(Locale.ROOT,
                "{\"sockets\":%d,\"owned\":%d,\"namespaces\":%d,\"cold_ms\":%.2f,\"steady_median_ms\":%.2f,"
                        + "\"steady_min_ms\":%.2f,\"steady_max_ms\":%.2f}",
                last.sockets().size(), owned, namespaces.size(), cold, times[steady / 2], times[0], times[steady - 1]);
    }
}
