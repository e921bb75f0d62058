package io.portwatch.agent;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import javax.management.ObjectName;

/**
 * A trivial application for agent tests, run in a child JVM. {@code report}: waits up to 20 s for
 * portwatch's Agent MBean, prints {@code PORTWATCH-UP} or {@code PORTWATCH-ABSENT}, the class of the
 * JDK's {@code HttpServerProvider} ({@code HTTPSERVER name}), one
 * {@code THREAD name daemon} line per live thread, then {@code MAIN-RAN}, and returns (the JVM must
 * then exit by itself). {@code stay}: prints {@code READY} and runs until its standard input closes.
 */
public final class HostMain {

    private HostMain() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "report";
        if (mode.equals("stay")) {
            System.out.println("READY " + ProcessHandle.current().pid());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close our stdin
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

    private static long scans(ObjectName agent) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(agent, "ScanCount");
    }
}
