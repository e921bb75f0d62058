package io.portwatch.scan.windows;

import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketSources;
import io.portwatch.scan.SocketSources.UnsupportedPlatformException;
import io.portwatch.text.Printable;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sockets of a Windows host from the IP Helper tables ({@code GetExtendedTcpTable} with
 * {@code TCP_TABLE_OWNER_PID_ALL}, {@code GetExtendedUdpTable} with {@code UDP_TABLE_OWNER_PID}, IPv4
 * and IPv6), owners from the process APIs.
 *
 * <p>The tables give every socket's owner pid to any user. Process names come from a Toolhelp
 * snapshot, which also sees every process; the executable path, user and start time need to open the
 * process, which for other users' processes takes Administrator (and for protected processes is
 * refused even then): they are "" / null where Windows refuses. PID 0 is named "System Idle Process"
 * and PID 4 "System", as Task Manager names them (TIME_WAIT connections belong to PID 0).
 *
 * <p>{@link ProcessInfo#commandLine()} holds no command line here: for a process that hosts Win32
 * services (each {@code svchost.exe}, {@code lsass.exe}, ...) it is {@code services: A, B} with the
 * service names the service control manager reports, as Port Reporter showed them; otherwise "".
 *
 * <p>Path and user are cached per pid and process start time, so a reused pid is read again.
 */
public final class WindowsSocketSource implements SocketSource {

    static final int IDLE_PID = 0;
    static final int SYSTEM_PID = 4;

    private final WindowsNative api;
    private final Map<Integer, Cached> cache = new HashMap<>();

    private record Cached(Instant started, WindowsNative.Details details) {
    }

    private WindowsSocketSource(WindowsNative api) {
        this.api = api;
    }

    /**
     * The Windows source, after checking that the JNA on the class path can run it.
     *
     * @throws UnsupportedPlatformException with the one line to log when it cannot
     */
    public static SocketSource create() throws UnsupportedPlatformException {
        String what = "the windows socket source";
        SocketSources.requireJna(what, SocketSources.WINDOWS_MIN_JNA);
        try {
            return new WindowsSocketSource(WindowsNative.load());
        } catch (LinkageError | RuntimeException e) { // RuntimeException: a JNA that rejects a structure
            throw SocketSources.cannotStart(what, e);
        }
    }

    @Override
    public String name() {
        return "windows";
    }

    @Override
    public Snapshot scan() throws IOException {
        Instant takenAt = Instant.now();
        long start = System.nanoTime();
        try {
            List<SocketEntry> sockets = new ArrayList<>();
            WindowsNative.ByteTable t = api.tcpTable(WindowsNative.AF_INET);
            sockets.addAll(MibTables.tcp4(t.pointer(), t.length()));
            t = api.tcpTable(WindowsNative.AF_INET6);
            sockets.addAll(MibTables.tcp6(t.pointer(), t.length()));
            t = api.udpTable(WindowsNative.AF_INET);
            sockets.addAll(MibTables.udp4(t.pointer(), t.length()));
            t = api.udpTable(WindowsNative.AF_INET6);
            sockets.addAll(MibTables.udp6(t.pointer(), t.length()));
            Map<Integer, ProcessInfo> processes = owners(sockets);
            return new Snapshot(takenAt, Duration.ofNanos(System.nanoTime() - start), sockets, processes);
        } catch (LinkageError e) {
            throw new IOException(SocketSources.cannotStart("the windows socket source", e).getMessage(), e);
        }
    }

    private Map<Integer, ProcessInfo> owners(List<SocketEntry> sockets) throws IOException {
        Set<Integer> pids = new TreeSet<>();
        for (SocketEntry s : sockets) {
            if (s.hasOwner()) {
                pids.add(s.pid());
            }
        }
        Map<Integer, String> names = api.processNames(); // after the tables: owners that just started are in it
        Map<Integer, List<String>> services = api.servicesByPid();
        Map<Integer, ProcessInfo> out = new HashMap<>();
        for (int pid : pids) {
            ProcessInfo info = describe(pid, names.get(pid), services.getOrDefault(pid, List.of()));
            if (info != null) {
                out.put(pid, info);
            }
        }
        cache.keySet().retainAll(pids); // bounded: only this scan's owners stay cached
        return out;
    }

    /** The owner's description, or null when it exited before it could be named. */
    private ProcessInfo describe(int pid, String imageName, List<String> services) {
        if (pid == IDLE_PID) {
            return new ProcessInfo(pid, "System Idle Process", "", "", "", "", null);
        }
        if (pid == SYSTEM_PID) {
            return new ProcessInfo(pid, "System", "", "", "", servicesText(services), null);
        }
        if (imageName == null) {
            return null;
        }
        Instant started = api.startTime(pid);
        Cached cached = cache.get(pid);
        if (cached == null || started == null || !Objects.equals(cached.started, started)) {
            cached = new Cached(started, api.details(pid));
            if (started != null) {
                cache.put(pid, cached);
            }
        }
        return processInfo(pid, imageName, cached.details, services, started);
    }

    /**
     * The owner as Windows named it, where Windows text enters portwatch (docs/design.md §5, rule 4): image
     * name, path, user and service names are UTF-16 that may hold lone surrogates and control characters (a
     * file name may hold any but {@code \0}-{@code \x1f} on NTFS, a service name anything); each is made
     * printable (a lone surrogate as U+FFFD, a control character as {@code \xHH}).
     */
    static ProcessInfo processInfo(int pid, String imageName, WindowsNative.Details details, List<String> services,
                                   Instant started) {
        String path = details.exePath();
        // split before escaping: a \xHH written for a control character is no path separator
        String exeName = path.isEmpty() ? imageName : path.substring(path.lastIndexOf('\\') + 1);
        return new ProcessInfo(pid, Printable.of(imageName), Printable.of(exeName), Printable.of(details.user()),
                Printable.of(path), servicesText(services), started);
    }

    /** {@code services: Dnscache, LanmanWorkstation}, sorted, each made printable; "" when the process hosts none. */
    static String servicesText(List<String> services) {
        if (services.isEmpty()) {
            return "";
        }
        List<String> sorted = new ArrayList<>(services.size());
        services.forEach(name -> sorted.add(Printable.of(name)));
        sorted.sort(String.CASE_INSENSITIVE_ORDER);
        return "services: " + String.join(", ", sorted);
    }
}
