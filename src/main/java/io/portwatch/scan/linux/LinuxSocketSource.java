package io.portwatch.scan.linux;

import io.portwatch.scan.ListenCounters;
import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketReader;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Sockets of a Linux host from netlink and {@code /proc}:
 * <ol>
 *   <li>the socket tables of the own network namespace over netlink ({@link NetlinkTables}) when
 *       {@link ScanOptions#reader()} says so and its socket opens (else, said in one log line, as below); or the
 *       text tables {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}
 *       ({@link ProcNetParser}); a missing {@code tcp6}, {@code udp} or {@code udp6} means no sockets of that
 *       kind (a kernel without IPv6), a missing or unreadable {@code tcp} is an error;</li>
 *   <li>the owner of each socket inode from the {@code /proc/PID/fd} links ({@link SocketOwners}, which
 *       remembers them between scans and reads again only the processes whose fds may have changed);
 *       sockets without inode (TIME_WAIT, orphaned FIN_WAIT2) and sockets of processes this user may not
 *       look into keep pid {@link SocketEntry#UNKNOWN_PID};</li>
 *   <li>each owning process from {@code /proc/PID} ({@link ProcessReader}). A process that exits before
 *       it is read leaves its sockets without owner.</li>
 * </ol>
 * Each socket carries its receive and send queues from the tables; a TCP listener's backlog comes with the netlink
 * dump, or, read from {@code /proc/net} which does not show it, from {@code ss} ({@link ListenBacklogs}, only for
 * the live {@code /proc}, once per new listener), and the host's {@code ListenOverflows}/{@code ListenDrops} from {@code /proc/net/netstat}
 * ({@link NetstatCounters}).
 * With every namespace ({@code namespaces=all}, the default), the tables of each other network namespace of a
 * visible process are read too, once per namespace, from {@code /proc/PID/net/} of one of its processes
 * ({@link NetNamespaces}); owners are found as above, as the fd links of every process are read whatever its
 * namespace; its TCP tables only when its {@code sockstat} counters say they are not empty ({@link SockStat}),
 * several namespaces at once on a machine with CPUs to spare ({@link NamespaceTables}).
 * A namespace whose processes all exit before its tables are read is skipped, like an exiting
 * process. Every socket carries its namespace.
 * The {@code proc} root and passwd file can be given, for tests on a fixture tree and for a host's
 * {@code /proc} mounted elsewhere (a container watching its host). Not thread-safe: one scan at a time.
 */
public final class LinuxSocketSource implements SocketSource {

    private static final System.Logger LOG = System.getLogger(LinuxSocketSource.class.getName());

    /** Marks a pid whose process exited before it could be read. */
    private static final int GONE = -2;
    /** How long one netlink dump of the own namespace may take before the scan fails (results kept, stale). */
    static final Duration NETLINK_DEADLINE = Duration.ofSeconds(30);

    /** Opens the netlink reader; a seam for tests. */
    @FunctionalInterface
    interface NetlinkOpener {
        NetlinkTables open(Path procNet) throws NetlinkTables.UnavailableException;
    }

    private final Path procRoot;
    private final TableReader ownTables;
    private final NamespaceTables otherTables;
    private final SocketOwners owners;
    private final ProcessReader processes;
    private final NetNamespaces namespaces;
    private final boolean allNamespaces;
    private int lastSocketCount = 64;
    /** Listener backlogs from {@code ss}, only for the live {@code /proc} ({@code ss} sees this host, not a tree). */
    private final ListenBacklogs backlogs;
    /** The own namespace's tables over netlink; null when they are read from {@code /proc/net}. */
    private NetlinkTables netlink;

    /** Reads {@code /proc} and {@code /etc/passwd}, every network namespace. */
    public LinuxSocketSource() {
        this(ScanOptions.DEFAULT);
    }

    /** Reads {@code /proc} and {@code /etc/passwd} as the options say. */
    public LinuxSocketSource(ScanOptions options) {
        this(Path.of("/proc"), Path.of("/etc/passwd"), Files::newDirectoryStream, Path.of("/run/netns"),
                options.allNamespaces(), options.listenBacklogs(), NamespaceTables.defaultHelpers(), options.reader(),
                NetlinkTables::open);
    }

    /**
     * Reads another {@code proc} tree.
     *
     * @param procRoot   directory laid out like {@code /proc}
     * @param passwdFile file laid out like {@code /etc/passwd}, for user names; may be missing
     */
    public LinuxSocketSource(Path procRoot, Path passwdFile) {
        this(procRoot, passwdFile, Files::newDirectoryStream);
    }

    /** For testing only: {@code opener} lists {@code procRoot} and the {@code fd} directories. */
    LinuxSocketSource(Path procRoot, Path passwdFile, SocketOwners.DirectoryOpener opener) {
        this(procRoot, passwdFile, opener, Path.of("/run/netns"), true);
    }

    /** For testing only: also where {@code ip netns} mounts its namespaces, and which namespaces to read. */
    LinuxSocketSource(Path procRoot, Path passwdFile, SocketOwners.DirectoryOpener opener, Path netnsDir,
                      boolean allNamespaces) {
        this(procRoot, passwdFile, opener, netnsDir, allNamespaces, true);
    }

    /**
     * The constructor the others call; {@code listenBacklogs} asks {@code ss} for listener backlogs, which happens
     * only for the live {@code /proc} ({@code ss} sees this host, not a tree).
     */
    LinuxSocketSource(Path procRoot, Path passwdFile, SocketOwners.DirectoryOpener opener, Path netnsDir,
                      boolean allNamespaces, boolean listenBacklogs) {
        this(procRoot, passwdFile, opener, netnsDir, allNamespaces, listenBacklogs, NamespaceTables.defaultHelpers());
    }

    /** For the benchmark: also how many threads beside the scan thread read other namespaces' tables. */
    LinuxSocketSource(Path procRoot, Path passwdFile, SocketOwners.DirectoryOpener opener, Path netnsDir,
                      boolean allNamespaces, boolean listenBacklogs, int namespaceHelpers) {
        this(procRoot, passwdFile, opener, netnsDir, allNamespaces, listenBacklogs, namespaceHelpers,
                SocketReader.PROC, NetlinkTables::open);
    }

    /**
     * For testing and the benchmark: also the reader of the own namespace's tables and how netlink is opened.
     * Netlink is tried only for the live {@code /proc} (a tree of files has no kernel behind it); when it cannot
     * open, the tables come from {@code /proc/net}, said in one log line. {@code ss} runs only for the
     * {@code /proc} reader.
     */
    LinuxSocketSource(Path procRoot, Path passwdFile, SocketOwners.DirectoryOpener opener, Path netnsDir,
                      boolean allNamespaces, boolean listenBacklogs, int namespaceHelpers, SocketReader reader,
                      NetlinkOpener netlinkOpener) {
        this.allNamespaces = allNamespaces;
        this.namespaces = new NetNamespaces(procRoot, Objects.requireNonNull(netnsDir, "netnsDir"));
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
        this.ownTables = new TableReader(procRoot);
        this.otherTables = new NamespaceTables(procRoot, namespaceHelpers);
        this.owners = new SocketOwners(procRoot, Objects.requireNonNull(opener, "opener"));
        this.processes = new ProcessReader(procRoot, Objects.requireNonNull(passwdFile, "passwdFile"));
        boolean live = procRoot.equals(Path.of("/proc"));
        this.netlink = reader == SocketReader.NETLINK && live ? openNetlink(netlinkOpener, procRoot.resolve("net")) : null;
        this.backlogs = listenBacklogs && live && netlink == null ? new ListenBacklogs() : null;
    }

    /** The netlink reader, or null (with one log line) when it cannot be used here. */
    private static NetlinkTables openNetlink(NetlinkOpener opener, Path procNet) {
        try {
            return Objects.requireNonNull(opener.open(procNet), "netlink opener returned null");
        } catch (NetlinkTables.UnavailableException | RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.INFO, "portwatch: reading sockets from /proc/net, netlink cannot be used: "
                    + oneLine(e));
            return null;
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int eol = m.indexOf('\n');
        return eol < 0 ? m : m.substring(0, eol).strip();
    }

    @Override
    public Snapshot scan() throws IOException {
        Instant takenAt = Instant.now();
        long start = System.nanoTime();

        SocketRows rows = new SocketRows(lastSocketCount + lastSocketCount / 8);
        NetNamespace own = namespaces.own();
        rows.namespace(own);
        if (netlink != null) {
            netlink.read(rows, start + NETLINK_DEADLINE.toNanos());
        } else {
            ownTables.read(procRoot.resolve("net"), rows);
        }
        if (allNamespaces) {
            otherTables.read(namespaces.others(own), rows);
        }
        int count = rows.size();
        if (backlogs != null) {
            backlogs.fill(rows);
        }

        LongIntMap inodes = new LongIntMap(count);
        for (int i = 0; i < count; i++) {
            long inode = rows.inode(i);
            if (inode != 0) {
                inodes.put(inode, 1);
            }
        }
        LongIntMap ownerByInode = owners.find(inodes);

        // pid -> index in infos, or GONE: each owning process is read once per scan
        LongIntMap infoIndex = new LongIntMap(64);
        List<ProcessInfo> infos = new ArrayList<>();
        List<SocketEntry> sockets = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long inode = rows.inode(i);
            int pid = inode == 0 ? SocketEntry.UNKNOWN_PID : ownerByInode.get(inode, SocketEntry.UNKNOWN_PID);
            if (pid > 0) {
                int index = infoIndex.get(pid, -1);
                if (index == -1) {
                    ProcessInfo info = processes.read(pid).orElse(null);
                    index = info == null ? GONE : infos.size();
                    if (info != null) {
                        infos.add(info);
                    }
                    infoIndex.put(pid, index);
                }
                if (index == GONE) {
                    pid = SocketEntry.UNKNOWN_PID;
                }
            }
            sockets.add(rows.entry(i, pid));
        }
        Map<Integer, ProcessInfo> processInfos = new HashMap<>();
        for (ProcessInfo info : infos) {
            processInfos.put(info.pid(), info);
        }
        lastSocketCount = count;
        ListenCounters listen = NetstatCounters.read(procRoot.resolve("net").resolve("netstat"));
        return new Snapshot(takenAt, Duration.ofNanos(System.nanoTime() - start), sockets, processInfos, listen);
    }

    /** What the owner lookup of the last scan did (processes walked, links read), for tests and the benchmark. */
    SocketOwners.Work lastOwnerWork() {
        return owners.lastWork();
    }

    @Override
    public String name() {
        return "linux";
    }

    /** {@code netlink} when the own namespace's tables are read over netlink, else {@code proc}. */
    @Override
    public String reader() {
        return (netlink != null ? SocketReader.NETLINK : SocketReader.PROC).label();
    }

    /** True while the own namespace is read over netlink: its connections can carry their {@code tcp_info}. */
    @Override
    public boolean measuresTcpQuality() {
        return netlink != null;
    }

    /** The remote port ranges whose ESTABLISHED connections get their {@code tcp_info} (netlink only). */
    @Override
    public void measureQualityFor(List<int[]> remotePortRanges) {
        NetlinkTables n = netlink;
        if (n != null) {
            n.measureQuality(remotePortRanges.isEmpty() ? null : RemotePortFilter.of(remotePortRanges));
        }
    }

    /** Closes the netlink socket; a scan after this reads {@code /proc/net}. */
    @Override
    public void close() {
        NetlinkTables n = netlink;
        netlink = null;
        if (n != null) {
            n.close();
        }
    }

    /** Whether {@code ss} may run for listener backlogs (the {@code /proc} reader only), for tests. */
    boolean runsSs() {
        return backlogs != null;
    }
}
