import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.InternetProtocolStats.IPConnection;

/**
 * OSHI's socket list with owners, timed in one JVM as BASELINE.md describes: one cold call (with
 * {@code new SystemInfo()}, JNA and class loading), {@code warmups} calls, then {@code runs} timed
 * calls; bytes allocated by this thread per call from {@code ThreadMXBean}. Prints one JSON line.
 *
 * <pre>java -cp CLASSES:OSHI_CLASSPATH OshiConns [warmups] [runs]</pre>
 *
 * Compiled and run by {@code bench/run.sh}; not part of portwatch (OSHI is not a dependency).
 */
public final class OshiConns {

    private OshiConns() {
    }

    public static void main(String[] args) {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

        long t0 = System.nanoTime();
        InternetProtocolStats stats = new SystemInfo().getOperatingSystem().getInternetProtocolStats();
        int count = stats.getConnections().size();
        double coldMs = (System.nanoTime() - t0) / 1e6;
        for (int i = 0; i < warmups; i++) {
            stats.getConnections();
        }
        double[] ms = new double[runs];
        long[] allocated = new long[runs];
        long owned = 0;
        for (int i = 0; i < runs; i++) {
            long a0 = threads.getCurrentThreadAllocatedBytes();
            long s = System.nanoTime();
            java.util.List<IPConnection> connections = stats.getConnections();
            ms[i] = (System.nanoTime() - s) / 1e6;
            allocated[i] = threads.getCurrentThreadAllocatedBytes() - a0;
            count = connections.size();
            owned = connections.stream().filter(c -> c.getowningProcessId() >= 0).count();
        }
        Arrays.sort(ms);
        Arrays.sort(allocated);
        System.out.println(String.format(Locale.ROOT,
                "{\"connections\":%d,\"owned\":%d,\"cold_ms\":%.1f,\"warm_ms\":{\"median\":%.1f,\"min\":%.1f,\"max\":%.1f},"
                        + "\"alloc_bytes\":{\"median\":%d,\"min\":%d,\"max\":%d}}",
                count, owned, coldMs, ms[runs / 2], ms[0], ms[runs - 1], allocated[runs / 2], allocated[0],
                allocated[runs - 1]));
    }
}
