package io.portwatch.scan.linux;

import io.portwatch.scan.NetNamespace;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Finds the network namespaces of the visible processes and names them (docs/design.md §2 {@code netns}).
 *
 * <p>Each scan lists {@code /proc} and reads each process's {@code ns/net} link ({@code net:[INODE]}); the
 * processes are grouped by that inode, in pid order. A process whose link cannot be read (it exited, or
 * another user's process when not privileged) is left out, as is the reader's own namespace, whose sockets
 * are in {@code /proc/net}. A namespace is named once, when its inode is first seen, and the name is kept
 * while the inode stays in use:
 * <ol>
 *   <li>the {@code ip netns} name, when a bind mount under {@code /run/netns/} has that inode (the
 *       alphabetically first, when there are several);</li>
 *   <li>else the container of its processes, from the first of them (in pid order, at most
 *       {@value #CGROUP_READS}) whose {@code /proc/PID/cgroup} names one ({@link CgroupNames});</li>
 *   <li>else {@code net:[INODE]}.</li>
 * </ol>
 * The reader's own namespace is {@code host} when it is pid 1's (or pid 1's cannot be read), else it is
 * named by the same rules. An {@code ip netns} name may hold any byte but {@code /} and NUL: it is made
 * printable ({@link ProcText}); a container name is built from hex digits only. Not thread-safe: one scan at
 * a time.
 */
final class NetNamespaces {

    /** Most {@code cgroup} files read to name one namespace. */
    static final int CGROUP_READS = 8;
    /** Most bytes of one {@code cgroup} file read. */
    static final int CGROUP_MAX_BYTES = 64 * 1024;
    private static final String PREFIX = "net:[";

    /** One namespace other than the reader's and the pids in it, ascending. */
    record Group(NetNamespace namespace, int[] pids) {
    }

    private final Path procRoot;
    private final Path netnsDir;
    private Map<Long, NetNamespace> known = new HashMap<>();
    private Map<Long, String> ipNetnsNames;
    private NetNamespace own;

    /**
     * @param procRoot directory laid out like {@code /proc}
     * @param netnsDir where {@code ip netns} mounts its namespaces, {@code /run/netns}
     */
    NetNamespaces(Path procRoot, Path netnsDir) {
        this.procRoot = procRoot;
        this.netnsDir = netnsDir;
    }

    /**
     * The reader's own namespace ({@code /proc/self/ns/net}); {@link NetNamespace#OWN} when that cannot be
     * read (a {@code proc} tree that is not procfs).
     */
    NetNamespace own() {
        long inode = inode(procRoot.resolve("self").resolve("ns").resolve("net"));
        if (own != null && own.inode() == inode) {
            return own;
        }
        if (inode <= 0) {
            own = NetNamespace.OWN;
            return own;
        }
        long first = inode(procRoot.resolve("1").resolve("ns").resolve("net"));
        ipNetnsNames = null;
        String name = first == inode || first <= 0 ? "host" : name(inode, new int[] {selfPid()});
        own = new NetNamespace(inode, name, true);
        return own;
    }

    /** Every namespace of a visible process other than {@code own}, in the order their first pids appear. */
    List<Group> others(NetNamespace own) {
        Map<Long, int[]> pidsByInode = new LinkedHashMap<>();
        Map<Long, Integer> counts = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(procRoot)) {
            for (Path dir : processes) {
                int pid = SocketOwners.number(dir.getFileName().toString());
                if (pid <= 0) {
                    continue;
                }
                long inode = inode(dir.resolve("ns").resolve("net"));
                if (inode <= 0 || inode == own.inode()) {
                    continue;
                }
                int[] pids = pidsByInode.get(inode);
                int n = counts.getOrDefault(inode, 0);
                if (pids == null) {
                    pids = new int[4];
                } else if (n == pids.length) {
                    pids = Arrays.copyOf(pids, n * 2);
                }
                pids[n] = pid;
                pidsByInode.put(inode, pids);
                counts.put(inode, n + 1);
            }
        } catch (IOException | DirectoryIteratorException e) {
            return List.of(); // the own tables were readable; without a process list there is nothing more to read
        }
        ipNetnsNames = null; // listed again at most once per scan, when a new namespace is seen
        Map<Long, NetNamespace> seen = new HashMap<>();
        List<Group> groups = new ArrayList<>(pidsByInode.size());
        for (Map.Entry<Long, int[]> e : pidsByInode.entrySet()) {
            long inode = e.getKey();
            int[] pids = Arrays.copyOf(e.getValue(), counts.get(inode));
            Arrays.sort(pids);
            NetNamespace ns = known.get(inode);
            if (ns == null) {
                ns = new NetNamespace(inode, name(inode, pids), false);
            }
            seen.put(inode, ns);
            groups.add(new Group(ns, pids));
        }
        known = seen; // a namespace not seen is forgotten: its inode may be reused by another
        return groups;
    }

    private String name(long inode, int[] pids) {
        String mounted = ipNetnsNames().get(inode);
        if (mounted != null) {
            return mounted;
        }
        for (int i = 0; i < pids.length && i < CGROUP_READS; i++) {
            Optional<String> container = cgroup(pids[i]).flatMap(CgroupNames::name);
            if (container.isPresent()) {
                return container.get();
            }
        }
        return NetNamespace.inodeName(inode);
    }

    /** Inode of each namespace bind-mounted under {@code /run/netns}, with its name; listed once per scan. */
    private Map<Long, String> ipNetnsNames() {
        if (ipNetnsNames != null) {
            return ipNetnsNames;
        }
        Map<Long, String> names = new HashMap<>();
        TreeMap<String, Path> entries = new TreeMap<>();
        try (DirectoryStream<Path> mounts = Files.newDirectoryStream(netnsDir)) {
            for (Path p : mounts) {
                entries.put(ProcText.printable(p.getFileName()), p);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // no /run/netns: no names from there
        }
        for (Map.Entry<String, Path> e : entries.entrySet()) {
            try {
                Object ino = Files.getAttribute(e.getValue(), "unix:ino");
                names.putIfAbsent(((Number) ino).longValue(), e.getKey());
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException x) {
                // removed meanwhile, or a file system without unix attributes
            }
        }
        ipNetnsNames = names;
        return names;
    }

    private Optional<String> cgroup(int pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        try {
            Path file = procRoot.resolve(Integer.toString(pid)).resolve("cgroup");
            return Optional.of(ProcText.read(file, CGROUP_MAX_BYTES));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private int selfPid() {
        try {
            return SocketOwners.number(Files.readSymbolicLink(procRoot.resolve("self")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** The inode of a {@code net:[INODE]} link, -1 when it cannot be read or is something else. */
    static long inode(Path link) {
        String target;
        try {
            target = Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
        return parseInode(target);
    }

    /** The inode of {@code net:[INODE]}, -1 for anything else. */
    static long parseInode(String target) {
        int end = target.length() - 1;
        if (!target.startsWith(PREFIX) || end <= PREFIX.length() || target.charAt(end) != ']'
                || end - PREFIX.length() > 18) {
            return -1;
        }
        long inode = 0;
        for (int i = PREFIX.length(); i < end; i++) {
            char ch = target.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            inode = inode * 10 + (ch - '0');
        }
        return inode;
    }
}
