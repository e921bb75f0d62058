package io.portwatch.scan.macos;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketSources;
import io.portwatch.scan.SocketSources.UnsupportedPlatformException;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sockets of a macOS host. Every TCP and UDP socket comes from the sysctls {@code netstat} reads
 * ({@code net.inet.tcp.pcblist_n}, {@code net.inet.udp.pcblist_n}, decoded by {@link PcbList}),
 * which any user may read. Owners come from libproc: every pid ({@code proc_listpids}, no limit),
 * its descriptors ({@code proc_pidinfo(PROC_PIDLISTFDS)}), each socket descriptor's
 * {@code socket_fdinfo} ({@code proc_pidfdinfo(PROC_PIDFDSOCKETINFO)}, decoded by {@link MacSockets});
 * the two meet on the kernel's socket handle ({@code xso_so} = {@code soi_so}). Names from
 * {@code proc_name}, paths from {@code proc_pidpath}, users from {@code proc_bsdinfo}'s uid.
 *
 * <p>libproc lists a process's descriptors only to root or to the process's own user. Without root,
 * sockets of other users' processes are therefore reported with an unknown owner, as on Linux.
 * TIME_WAIT connections have no descriptor, hence no owner either. A socket held by several
 * processes (a listener shared after {@code fork}) is reported once, owned by the lowest pid.
 */
public final class MacSocketSource implements SocketSource {

    private final LibSystem lib;
    private final Memory fdInfo = new Memory(MacSockets.SOCKET_FDINFO_SIZE);
    private final Memory bsdInfo = new Memory(MacSockets.BSDINFO_SIZE);
    private final byte[] textBuffer = new byte[LibSystem.PROC_PIDPATHINFO_MAXSIZE];
    private final Map<Integer, ProcessInfo> cache = new HashMap<>();
    private final Map<Integer, String> users = new HashMap<>();
    private final Memory passwd = new Memory(128); // struct passwd: 72 bytes on LP64
    private final Memory passwdStrings = new Memory(4096);
    private Memory fdList = new Memory(8 * 256);
    private Memory sysctlBuffer;

    private static final int ENOENT = 2;
    private static final int ENOMEM = 12;

    private MacSocketSource(LibSystem lib) {
        this.lib = lib;
    }

    /**
     * The macOS source, after checking that the JNA on the class path can run it.
     *
     * @throws UnsupportedPlatformException with the one line to log when it cannot
     */
    public static SocketSource create() throws UnsupportedPlatformException {
        String what = "the macos socket source";
        SocketSources.requireJna(what, SocketSources.MACOS_MIN_JNA);
        try {
            LibSystem lib = Native.load("System", LibSystem.class);
            // load libSystem and make one call now: a JNA that cannot call it fails here, not in a scan
            lib.proc_listpids(LibSystem.PROC_ALL_PIDS, 0, null, 0);
            return new MacSocketSource(lib);
        } catch (LinkageError | RuntimeException e) { // RuntimeException: a JNA that rejects a structure
            throw SocketSources.cannotStart(what, e);
        }
    }

    @Override
    public String name() {
        return "macos";
    }

    @Override
    public Snapshot scan() throws IOException {
        Instant takenAt = Instant.now();
        long start = System.nanoTime();
        try {
            Map<Long, SocketEntry> byHandle = new LinkedHashMap<>();
            int[] pids = listPids();
            Arrays.sort(pids); // lowest pid first: it keeps a socket several processes share
            for (int pid : pids) {
                if (pid < 0) {
                    continue;
                }
                for (int fd : socketFds(pid)) {
                    int n = lib.proc_pidfdinfo(pid, fd, LibSystem.PROC_PIDFDSOCKETINFO, fdInfo, (int) fdInfo.size());
                    SocketEntry e = MacSockets.decode(fdInfo, n, pid);
                    if (e != null) {
                        byHandle.putIfAbsent(e.inode(), e);
                    }
                }
            }
            List<SocketEntry> sockets = everySocket(byHandle);
            Map<Integer, ProcessInfo> processes = new HashMap<>();
            for (SocketEntry s : sockets) {
                if (s.hasOwner() && !processes.containsKey(s.pid())) {
                    ProcessInfo info = describe(s.pid());
                    if (info != null) {
                        processes.put(s.pid(), info);
                    }
                }
            }
            cache.keySet().retainAll(processes.keySet()); // bounded: only this scan's owners stay cached
            return new Snapshot(takenAt, Duration.ofNanos(System.nanoTime() - start), sockets, processes);
        } catch (LinkageError e) {
            throw new IOException(SocketSources.cannotStart("the macos socket source", e).getMessage(), e);
        }
    }

    /**
     * Every socket of the host from the pcblists, each given the owner libproc found for its handle
     * (unknown when none: another user's process without root, TIME_WAIT); plus what libproc saw
     * that the lists did not (created between the two reads). Without the pcblist sysctls (absent on
     * this macOS), what libproc saw.
     */
    private List<SocketEntry> everySocket(Map<Long, SocketEntry> owned) throws IOException {
        List<SocketEntry> tcp = pcbList("net.inet.tcp.pcblist_n", Protocol.TCP);
        List<SocketEntry> udp = pcbList("net.inet.udp.pcblist_n", Protocol.UDP);
        if (tcp == null || udp == null) {
            return new ArrayList<>(owned.values());
        }
        List<SocketEntry> listed = new ArrayList<>(tcp);
        listed.addAll(udp);
        return PcbList.withOwners(listed, owned);
    }

    /** One pcblist sysctl decoded; null when this macOS has no such sysctl. */
    private List<SocketEntry> pcbList(String name, Protocol protocol) throws IOException {
        for (int attempt = 0; attempt < 8; attempt++) {
            LongByReference size = new LongByReference(0);
            if (lib.sysctlbyname(name, null, size, null, 0) != 0) {
                int errno = Native.getLastError();
                if (errno == ENOENT) {
                    return null;
                }
                throw new IOException("sysctl " + name + " failed (errno " + errno + ")");
            }
            long wanted = size.getValue() + size.getValue() / 8 + 4096;
            if (sysctlBuffer == null || sysctlBuffer.size() < wanted) {
                sysctlBuffer = new Memory(wanted);
            }
            size.setValue(sysctlBuffer.size());
            if (lib.sysctlbyname(name, sysctlBuffer, size, null, 0) == 0) {
                return PcbList.decode(sysctlBuffer, size.getValue(), protocol);
            }
            int errno = Native.getLastError();
            if (errno != ENOMEM) {
                throw new IOException("sysctl " + name + " failed (errno " + errno + ")");
            }
        }
        throw new IOException("sysctl " + name + " kept growing");
    }

    /** Every pid, however many. */
    private int[] listPids() throws IOException {
        for (int attempt = 0; attempt < 8; attempt++) {
            int bytes = lib.proc_listpids(LibSystem.PROC_ALL_PIDS, 0, null, 0);
            if (bytes <= 0) {
                throw new IOException("proc_listpids failed (errno " + Native.getLastError() + ")");
            }
            int[] pids = new int[bytes / 4 + 64];
            int got = lib.proc_listpids(LibSystem.PROC_ALL_PIDS, 0, pids, pids.length * 4);
            if (got <= 0) {
                throw new IOException("proc_listpids failed (errno " + Native.getLastError() + ")");
            }
            if (got < pids.length * 4) { // not full: nothing left out
                return Arrays.copyOf(pids, got / 4);
            }
        }
        throw new IOException("proc_listpids kept growing");
    }

    /** The socket descriptors of a process; none when it cannot be read (another user's, exited). */
    private int[] socketFds(int pid) {
        for (int attempt = 0; attempt < 4; attempt++) {
            int bytes = lib.proc_pidinfo(pid, LibSystem.PROC_PIDLISTFDS, 0, fdList, (int) fdList.size());
            if (bytes <= 0) {
                return new int[0];
            }
            if (bytes + 8 > fdList.size()) { // maybe cut short: grow and ask again
                fdList = new Memory(Math.max(fdList.size() * 2, bytes + 8 * 64L));
                continue;
            }
            return MacSockets.socketFds(fdList, bytes);
        }
        return new int[0];
    }

    /** The owner's description, cached per pid and start time; null when it exited meanwhile. */
    private ProcessInfo describe(int pid) {
        int n = lib.proc_pidinfo(pid, LibSystem.PROC_PIDTBSDINFO, 0, bsdInfo, (int) bsdInfo.size());
        MacSockets.BsdInfo bsd = MacSockets.bsdInfo(bsdInfo, n);
        if (bsd == null) {
            return null;
        }
        ProcessInfo cached = cache.get(pid);
        if (cached != null && bsd.startedAt() != null && Objects.equals(cached.startedAt(), bsd.startedAt())) {
            return cached;
        }
        String name = text(lib.proc_name(pid, textBuffer, textBuffer.length));
        if (name.isEmpty()) {
            name = bsd.comm();
        }
        String path = text(lib.proc_pidpath(pid, textBuffer, textBuffer.length));
        String exeName = path.isEmpty() ? name : path.substring(path.lastIndexOf('/') + 1);
        ProcessInfo info = new ProcessInfo(pid, name, exeName, user(bsd.uid()), path, "", bsd.startedAt());
        cache.put(pid, info);
        return info;
    }

    private String text(int length) {
        return length <= 0 ? "" : MacSockets.text(textBuffer, length);
    }

    /** The user name of a uid, or the uid as text when there is none. */
    private String user(int uid) {
        return users.computeIfAbsent(uid, u -> {
            PointerByReference result = new PointerByReference();
            int rc = lib.getpwuid_r(u, passwd, passwdStrings, passwdStrings.size(), result);
            Pointer found = result.getValue();
            if (rc != 0 || found == null) {
                return Integer.toString(u);
            }
            Pointer name = found.getPointer(0); // pw_name is the first member
            if (name == null) {
                return Integer.toString(u);
            }
            // pw_name points into passwdStrings: its NUL is there
            long end = Math.max(0, Math.min(passwdStrings.size(), name.indexOf(0, (byte) 0)));
            byte[] bytes = name.getByteArray(0, (int) end);
            return MacSockets.text(bytes, bytes.length);
        });
    }
}
