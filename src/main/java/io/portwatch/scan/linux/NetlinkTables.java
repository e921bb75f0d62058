package io.portwatch.scan.linux;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketSources;
import io.portwatch.scan.TcpQuality;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The socket tables of portwatch's own network namespace over {@code NETLINK_SOCK_DIAG}: one
 * {@code SOCK_DIAG_BY_FAMILY} dump each of TCP and UDP over IPv4 and IPv6, every state, into {@link SocketRows}
 * ({@link SockDiagRequest}, {@link SockDiagParser}, through a {@link SockDiagChannel}).
 * Fills the same columns as the {@code /proc/net} tables and, for a TCP listener, its accept queue
 * ({@code idiag_rqueue}) as receive queue and its backlog ({@code idiag_wqueue}) as send queue.
 *
 * <ul>
 *   <li>a kernel that refuses the UDP dump ({@code ENOENT}, {@code EOPNOTSUPP}, {@code EINVAL}: no {@code udp_diag})
 *       has its UDP sockets read from {@code /proc/net/udp} and {@code udp6} from then on, said once in the log;</li>
 *   <li>a dump flagged {@code NLM_F_DUMP_INTR} is read again, at most {@value #MAX_REPEATS} times, then the read
 *       fails; so is one whose datagram did not fit the buffer (which then grows);</li>
 *   <li>any failure (the kernel's error, a malformed answer, the deadline) fails the whole read with an
 *       {@link IOException} naming the dump, leaves {@code rows} as it found them and closes the socket, so that
 *       nothing of an abandoned dump is left to be read; the next read opens a new one;</li>
 *   <li>with a {@linkplain #measureQuality quality filter}, two more dumps ask for the {@code tcp_info} of the
 *       ESTABLISHED TCP sockets whose remote port passes it (the kernel filters, so a host with 200k sockets and a
 *       few connection rows pays for the few), and each such row gets its {@link TcpQuality} by inode. A kernel that
 *       refuses the quality dump leaves the figures unknown, said once in the log; the tables still count.</li>
 * </ul>
 * Not thread-safe: one read at a time.
 */
final class NetlinkTables implements AutoCloseable {

    /** How often a dump is read again when the kernel flags it as interrupted, before the read fails. */
    static final int MAX_REPEATS = 3;
    /** A datagram longer than this is not a sock_diag answer (the kernel sends at most 32 KiB). */
    private static final int MAX_BUFFER_BYTES = 16 << 20;
    private static final System.Logger LOG = System.getLogger(NetlinkTables.class.getName());
    /** {@link SockDiagDump#values()}, not cloned for every read. */
    private static final SockDiagDump[] DUMPS = SockDiagDump.values();

    /** Netlink cannot be used here: JNA does not load, or the kernel or a seccomp filter refuses the socket. */
    static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final SockDiagChannel.Opener opener;
    private final Path procNet;
    private final TableReader procTables;
    private final SockDiagRequest requests = new SockDiagRequest(java.nio.ByteOrder.nativeOrder());
    private final SockDiagParser parser = new SockDiagParser();
    /** Null after a failed read, until the next read opens another. */
    private SockDiagChannel channel;
    private int bufferBytes;
    private int seq;
    private boolean udpFromProc;
    /** The remote ports whose connections get their {@code tcp_info}; null: none. */
    private RemotePortFilter qualityFilter;
    private final List<TcpQuality> qualities = new ArrayList<>();
    private LongIntMap qualityByInode = new LongIntMap(16);
    private String qualityRefused;

    /** For testing: the channel comes from {@code opener}, the first one already opened. */
    NetlinkTables(SockDiagChannel.Opener opener, SockDiagChannel first, Path procNet) {
        this.opener = Objects.requireNonNull(opener, "opener");
        this.channel = Objects.requireNonNull(first, "first");
        this.bufferBytes = first.buffer().capacity();
        this.procNet = Objects.requireNonNull(procNet, "procNet");
        Path parent = procNet.getParent();
        this.procTables = new TableReader(parent != null ? parent : procNet);
    }

    /**
     * Opens a sock_diag socket (JNA is loaded here, not before).
     *
     * @param procNet the {@code /proc/net} directory UDP is read from when the kernel has no {@code udp_diag}
     * @throws UnavailableException with the reason in one line ("JNA cannot load: …", "socket(AF_NETLINK): EPERM")
     */
    static NetlinkTables open(Path procNet) throws UnavailableException {
        SockDiagChannel.Opener jna;
        try {
            SocketSources.requireJna("the netlink reader", JnaSockDiagChannel.MIN_JNA);
            jna = JnaSockDiagChannel::open; // links JnaSockDiagChannel, and so JNA's classes
        } catch (SocketSources.UnsupportedPlatformException e) {
            throw new UnavailableException(e.getMessage(), e);
        } catch (LinkageError e) {
            throw new UnavailableException("JNA cannot load: " + e, e);
        }
        return open(jna, procNet);
    }

    /** As {@link #open(Path)}, with channels from {@code opener} (tests inject a failing one). */
    static NetlinkTables open(SockDiagChannel.Opener opener, Path procNet) throws UnavailableException {
        return new NetlinkTables(opener, openChannel(opener), procNet);
    }

    private static SockDiagChannel openChannel(SockDiagChannel.Opener opener) throws UnavailableException {
        try {
            return opener.open();
        } catch (LinkageError | RuntimeException e) { // JNA missing or unloadable, found when its classes are linked
            throw new UnavailableException("JNA cannot load: " + e, e);
        }
    }

    /** True once the kernel refused the UDP dump: UDP comes from {@code /proc/net/udp} and {@code udp6}. */
    boolean udpFromProc() {
        return udpFromProc;
    }

    /** The remote ports whose ESTABLISHED connections are measured from the next read on; null for none. */
    void measureQuality(RemotePortFilter filter) {
        qualityFilter = filter;
    }

    /**
     * Appends every socket of the own namespace to {@code rows}; a dump not done by {@code deadlineNanos}
     * ({@code System.nanoTime()} scale) is abandoned with an {@link IOException}, as is an error of the kernel.
     */
    void read(SocketRows rows, long deadlineNanos) throws IOException {
        int start = rows.size();
        long began = System.nanoTime();
        try {
            for (SockDiagDump dump : DUMPS) {
                if (dump.protocol() == Protocol.UDP && udpFromProc) {
                    procTables.readTable(procNet, dump.procTable(), Protocol.UDP, false, rows);
                    continue;
                }
                try {
                    dump(dump, false, rows, began, deadlineNanos);
                } catch (SockDiagException e) {
                    if (dump.protocol() != Protocol.UDP || !e.protocolUnsupported()) {
                        throw e;
                    }
                    udpFromProc = true;
                    LOG.log(Level.INFO, "the kernel refuses UDP over sock_diag (no udp_diag: " + e.getMessage()
                            + "): UDP sockets are read from " + procNet.resolve("udp") + " and udp6, TCP over netlink");
                    procTables.readTable(procNet, dump.procTable(), Protocol.UDP, false, rows);
                }
            }
            if (qualityFilter != null) {
                measure(rows, start, began, deadlineNanos);
            }
        } catch (IOException e) {
            rows.truncate(start);
            closeChannel();
            throw e;
        } catch (RuntimeException | LinkageError e) { // a native call that failed in a way JNA does not map to errno
            rows.truncate(start);
            closeChannel();
            throw new IOException("sock_diag: " + e, e);
        }
    }

    /** The quality dumps, then each ESTABLISHED TCP row from {@code start} on gets the figures of its inode. */
    private void measure(SocketRows rows, int start, long began, long deadlineNanos) throws IOException {
        qualities.clear();
        qualityByInode = new LongIntMap(Math.max(16, qualityByInode.size()));
        try {
            dump(SockDiagDump.TCP_IPV4, true, rows, began, deadlineNanos);
            dump(SockDiagDump.TCP_IPV6, true, rows, began, deadlineNanos);
        } catch (SockDiagException e) { // the tables are read: only the figures stay unknown
            if (qualityRefused == null) {
                qualityRefused = e.getMessage();
                LOG.log(Level.WARNING, "portwatch: the kernel refuses the tcp_info dump (" + e.getMessage()
                        + "): connection quality stays unknown");
            }
            return;
        }
        for (int i = start; i < rows.size(); i++) {
            if (rows.isTcpEstablished(i) && rows.inode(i) != 0) { // 0: still in a listener's accept queue
                int index = qualityByInode.get(rows.inode(i), -1);
                if (index >= 0) {
                    rows.quality(i, qualities.get(index));
                }
            }
        }
    }

    private void keepQuality(long inode, TcpQuality quality) {
        qualityByInode.put(inode, qualities.size());
        qualities.add(quality);
    }

    /**
     * One dump into {@code rows} (or, for {@code quality}, into the figures by inode), read again while the kernel
     * flags it interrupted or a datagram does not fit.
     */
    private void dump(SockDiagDump dump, boolean quality, SocketRows rows, long began, long deadlineNanos)
            throws IOException {
        for (int attempt = 0; ; attempt++) {
            int before = rows.size();
            int qualitiesBefore = qualities.size();
            SockDiagChannel ch = channel();
            if (quality) {
                parser.beginQuality(dump, this::keepQuality);
                ch.send(requests.buildQuality(dump, ++seq, qualityFilter));
            } else {
                parser.begin(dump);
                ch.send(requests.build(dump, ++seq));
            }
            boolean done = false;
            String repeat = null;
            while (!done) {
                int length = ch.receive(deadlineNanos);
                if (length < 0) {
                    throw new IOException("sock_diag dump of " + dump.label() + " did not finish within "
                            + TimeUnit.NANOSECONDS.toMillis(deadlineNanos - began) + " ms");
                }
                if (length > ch.buffer().capacity()) {
                    if (length > MAX_BUFFER_BYTES) {
                        throw new SockDiagException(dump, "a datagram of " + length + " bytes, more than "
                                + MAX_BUFFER_BYTES, 0);
                    }
                    bufferBytes = (length + 4095) & ~4095;
                    closeChannel(); // the rest of this dump is of no use: a new socket, a larger buffer
                    repeat = "a datagram of " + length + " bytes did not fit the buffer";
                    break;
                }
                done = parser.parse(ch.buffer(), length, rows);
            }
            if (repeat == null && !parser.interrupted()) {
                return;
            }
            rows.truncate(before);
            if (qualities.size() > qualitiesBefore) { // figures of an inconsistent dump: read again from scratch
                qualities.subList(qualitiesBefore, qualities.size()).clear();
                LongIntMap kept = new LongIntMap(16);
                for (int slot = 0; slot < qualityByInode.capacity(); slot++) {
                    long inode = qualityByInode.keyAt(slot);
                    if (inode != 0 && qualityByInode.valueAt(slot) < qualitiesBefore) {
                        kept.put(inode, qualityByInode.valueAt(slot));
                    }
                }
                qualityByInode = kept;
            }
            if (repeat == null) {
                repeat = "the kernel flagged it interrupted (NLM_F_DUMP_INTR): the table changed during the dump";
            }
            if (attempt == MAX_REPEATS) {
                throw new SockDiagException(dump, "read " + (MAX_REPEATS + 1) + " times, each time " + repeat, 0);
            }
        }
    }

    private SockDiagChannel channel() throws IOException {
        if (channel == null) {
            try {
                channel = openChannel(opener);
            } catch (UnavailableException e) {
                throw new IOException("cannot open the sock_diag socket again: " + e.getMessage(), e);
            }
        }
        if (channel.buffer().capacity() < bufferBytes) {
            channel.grow(bufferBytes);
        }
        return channel;
    }

    private void closeChannel() {
        SockDiagChannel ch = channel;
        channel = null;
        if (ch != null) {
            ch.close();
        }
    }

    @Override
    public void close() {
        closeChannel();
    }
}
