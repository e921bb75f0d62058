package io.portwatch.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.stream.Collectors;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An application for the reader ITs, run in a child JVM. Arguments: {@code listen=PORT} binds a loopback listener
 * with backlog 1 that never accepts; {@code jna} calls {@code getpid()} through its own JNA (which must be on its
 * class path) at the start and at each query. Prints {@code READY pid jna=<getpid or ->}, then answers each line
 * of standard input with one {@code STATE} line: the Agent MBean's {@code SocketReader} and {@code ScanCount}
 * ({@code ABSENT} before it is registered), the health and reason of listening row {@code backlog}, the JVM's
 * thread names and the JNA {@code getpid()}. Ends when its standard input closes.
 */
public final class ReaderHostMain {

    private ReaderHostMain() {
    }

    /** The application's own use of JNA; loaded only when asked for. */
    static final class Libc {
        interface C extends com.sun.jna.Library {
            int getpid();
        }

        private static final C C = com.sun.jna.Native.load("c", C.class);

        static int getpid() {
            return C.getpid();
        }
    }

    public static void main(String[] args) throws Exception {
        boolean jna = false;
        ServerSocket listener = null;
        for (String a : args) {
            if (a.equals("jna")) {
                jna = true;
            } else if (a.startsWith("listen=")) {
                listener = new ServerSocket(Integer.parseInt(a.substring(7)), 1, InetAddress.getLoopbackAddress());
            }
        }
        System.out.println("READY " + ProcessHandle.current().pid() + " jna=" + (jna ? Integer.toString(Libc.getpid()) : "-"));
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            System.out.println("STATE " + agent() + " " + row() + " jna=" + (jna ? Integer.toString(Libc.getpid()) : "-")
                    + " threads=" + Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .sorted(Comparator.naturalOrder()).map(n -> n.replace(' ', '_')).collect(Collectors.joining(",")));
            System.out.flush();
        }
        if (listener != null) {
            listener.close();
        }
    }

    private static String agent() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName agent = new ObjectName("portwatch:type=Agent");
        if (!mbs.isRegistered(agent)) {
            return "reader=ABSENT scans=0";
        }
        return "reader=" + mbs.getAttribute(agent, "SocketReader") + " scans=" + mbs.getAttribute(agent, "ScanCount");
    }

    private static String row() throws Exception {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName row = new ObjectName("portwatch:type=ListeningPort,name=backlog");
        if (!mbs.isRegistered(row)) {
            return "health=- reason=-";
        }
        return "health=" + mbs.getAttribute(row, "HealthName") + " reason="
                + String.valueOf(mbs.getAttribute(row, "Reason")).replace(' ', '_');
    }
}
