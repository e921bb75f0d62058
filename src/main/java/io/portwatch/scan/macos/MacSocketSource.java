package io.portwatch.scan.macos;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketSources;
import io.portwatch.scan.SocketSources.UnsupportedPlatformException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * Sockets of a macOS host through libproc: every pid ({@code proc_listpids}, no limit), its
 * descriptors ({@code proc_pidinfo(PROC_PIDLISTFDS)}), each socket descriptor's
 * {@code socket_fdinfo} ({@code proc_pidfdinfo(PROC_PIDFDSOCKETINFO)}), decoded by
 * {@link MacSockets}; names from {@code proc_name}, paths from {@code proc_pidpath}, users from
 * {@code proc_bsdinfo}'s uid.
 *
 * <p>libproc lists a process's descriptors only to root or to the process's own user. Without root,
 * sockets of other users' processes are therefore not seen at all (unlike Linux, where they are seen
 * with an unknown owner): see docs/platforms.md. A socket held by several processes (a listener
 * shared after {@code fork}) is reported once, owned by the lowest pid.
 */
public final class MacSocketSource implements SocketSource {

    private final LibProc lib;
    private final Memory fdInfo = new Memory(MacSockets.SOCKET_FDINFO_SIZE);
    private final Memory bsdInfo = new Memory(MacSockets.BSDINFO_SIZE);
    private final byte[] textBuffer = new byte[LibProc.PROC_PIDPATHINFO_MAXSIZE];
    private final Map<Integer, ProcessInfo> cache = new HashMap<>();
    private final Map<Integer, String> users = new HashMap<>();
    private final Memory passwd = new Memory(128); // struct passwd: 72 bytes on LP64
    private final Memory passwdStrings = new Memory(4096);
    private Memory fdList = new Memory(8 * 256);

    private MacSocketSource(LibProc lib) {
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
            LibProc lib = Native.load("System", LibProc.class);
            // bind every function now: a missing symbol shows here, not in the middle of a scan
            lib.proc_listpids(LibProc.PROC_ALL_PIDS, 0, null, 0);
            return new MacSocketSource(lib);
        } catch (LinkageError e) {
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
                    int n = lib.proc_pidfdinfo(pid, fd, LibProc.PROC_PIDFDSOCKETINFO, fdInfo, (int) fdInfo.size());
                    SocketEntry e = MacSockets.decode(fdInfo, n, pid);
                    if (e != null) {
                        byHandle.putIfAbsent(e.inode(), e);
                    }
                }
            }
            List<SocketEntry> sockets = new ArrayList<>(byHandle.values());
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

    /** Every pid, however many. */
    private int[] listPids() throws IOException {
        for (int attempt = 0; attempt < 8; attempt++) {
            int bytes = lib.proc_listpids(LibProc.PROC_ALL_PIDS, 0, null, 0);
            if (bytes <= 0) {
                throw new IOException("proc_listpids failed (errno " + Native.getLastError() + ")");
            }
            int[] pids = new int[bytes / 4 + 64];
            int got = lib.proc_listpids(LibProc.PROC_ALL_PIDS, 0, pids, pids.length * 4);
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
            int bytes = lib.proc_pidinfo(pid, LibProc.PROC_PIDLISTFDS, 0, fdList, (int) fdList.size());
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
        int n = lib.proc_pidinfo(pid, LibProc.PROC_PIDTBSDINFO, 0, bsdInfo, (int) bsdInfo.size());
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
        return length <= 0 ? "" : new String(textBuffer, 0, Math.min(length, textBuffer.length), StandardCharsets.UTF_8);
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
            return name == null ? Integer.toString(u) : name.getString(0, StandardCharsets.UTF_8.name());
        });
    }
}
