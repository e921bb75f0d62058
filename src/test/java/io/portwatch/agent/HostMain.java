package io.portwatch.agent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * A trivial application for agent tests, run in a child JVM. {@code report}: waits up to 20 s for
 * portwatch's Agent MBean, prints {@code PORTWATCH-UP} or {@code PORTWATCH-ABSENT}, the class of the
 * JDK's {@code HttpServerProvider} ({@code HTTPSERVER name}), one
 * {@code THREAD name daemon} line per live thread, then {@code MAIN-RAN}, and returns (the JVM must
 * then exit by itself). {@code stay [ballastMB [heartbeatFile]]}: keeps {@code ballastMB} megabytes of
 * its heap in use (a busy application's live data), appends a heartbeat line to {@code heartbeatFile}
 * every {@value #BEAT_MILLIS} ms, prints {@code READY pid} and runs until its standard input closes.
 *
 * <p>A heartbeat line is {@code BEAT n epochMillis used=bytes peak=bytes}: {@code used} is the heap in use at that
 * moment, {@code peak} the sum of the heap pools' peak usage since the ballast was in place (an upper bound of
 * the heap's peak: the pools peak at different moments).
 */
public final class HostMain {

    /** How often the heartbeat is written. */
    static final long BEAT_MILLIS = 100;
    /** The ballast's pieces: well under half a G1 region (1 MiB at -Xmx256m), so none is humongous. */
    private static final int PIECE = 256 * 1024;

    /** The ballast, held for the life of the JVM. */
    private static volatile List<byte[]> ballast = List.of();

    private HostMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "report";
        if (mode.equals("stay")) {
            ballast = ballast(args.length > 1 ? Integer.parseInt(args[1]) : 0);
            ScheduledExecutorService beat = args.length > 2 ? heartbeat(Path.of(args[2])) : null;
            System.out.println("READY " + ProcessHandle.current().pid() + " ballast=" + ballast.size() * (long) PIECE);
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close our stdin
            }
            if (beat != null) {
                beat.shutdownNow();
            }
            return;
        }
        ObjectName agent = new ObjectName("portwatch:type=Agent");
        long deadline = System.nanoTime() + (mode.equals("quick") ? 3 : 20) * 1_000_000_000L;
        boolean up = false;
        while (System.nanoTime() < deadline && !(up = ManagementFactory.getPlatformMBeanServer().isRegistered(agent))) {
            Thread.sleep(50);
        }
        while (up && System.nanoTime() < deadline && scans(agent) < 1) {
            Thread.sleep(50); // the endpoints start before the scan loop: after the first scan they are up
        }
        System.out.println(up ? "PORTWATCH-UP" : "PORTWATCH-ABSENT");
        // the application's own JDK HTTP server must stay the JDK's, whatever portwatch bundles
        System.out.println("HTTPSERVER " + com.sun.net.httpserver.spi.HttpServerProvider.provider().getClass().getName());
        Thread.getAllStackTraces().keySet().stream().sorted(Comparator.comparing(Thread::getName))
                .forEach(t -> System.out.println("THREAD " + t.getName() + " " + t.isDaemon()));
        System.out.println("MAIN-RAN");
    }

    private static List<byte[]> ballast(int megabytes) {
        List<byte[]> pieces = new ArrayList<>();
        for (long i = 0; i < megabytes * (1024L * 1024 / PIECE); i++) {
            byte[] piece = new byte[PIECE];
            for (int j = 0; j < PIECE; j += 4096) {
                piece[j] = (byte) i; // touched: in use, not only reserved
            }
            pieces.add(piece);
        }
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
        return List.copyOf(pieces);
    }

    private static ScheduledExecutorService heartbeat(Path file) throws IOException {
        Files.writeString(file, "", StandardCharsets.US_ASCII);
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "host-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long[] n = {0};
        beat.scheduleAtFixedRate(() -> {
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            String line = "BEAT " + n[0]++ + " " + System.currentTimeMillis() + " used=" + used + " peak=" + peak
                    + " ballast=" + ballast.size() + "\n";
            try {
                Files.writeString(file, line, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.err.println("heartbeat: " + e);
            }
        }, 0, BEAT_MILLIS, TimeUnit.MILLISECONDS);
        return beat;
    }

    private static long scans(ObjectName agent) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(agent, "ScanCount");
    }
}
