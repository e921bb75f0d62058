package io.portwatch.history;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.support.Errors;
import io.portwatch.support.FileTrust;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The activity log (Port Reporter's logs), written to {@code history.dir} from the snapshots the scan
 * loop hands over ({@code Monitor.addSnapshotListener(historyLog)}):
 * <ul>
 *   <li>{@code portwatch-snapshot.csv}: every socket with its owner, from the first snapshot;</li>
 *   <li>{@code portwatch-events.csv}: one row per change from one snapshot to the next (see
 *       {@link ChangeTracker} and {@link EventType});</li>
 *   <li>{@code portwatch-processes.csv}: a process the first time it shows up in the current process
 *       file's period (owning a socket of the first snapshot, or in an event), with its command line,
 *       start time and loaded modules.</li>
 * </ul>
 * Columns are in {@link HistoryFiles}; rotation follows {@code history.rotate}, {@code history.maxSize}
 * and {@code history.keep} (see {@link RotatingCsvFile}).
 *
 * <p>Never harms the host: nothing is done in the constructor but reading settings; files are opened
 * on the first snapshot, on the caller's (scan) thread. No method throws: an unwritable directory or a
 * full disk counts every row it loses in {@link #writeFailures()} and logs one line when writing
 * starts failing and one when it works again. A lock file ({@code portwatch-history.lock}) keeps two
 * processes from writing the same directory: the second logs one line and writes nothing (its rows
 * count as failures). Memory is the previous snapshot's sockets plus at most
 * {@value #MAX_REMEMBERED_PROCESSES} remembered processes.
 *
 * <p>Writes only where it is safe (docs/design.md §5, rule 3; see {@link OwnedFiles}): {@code history.dir} is
 * judged ({@code files.strictModes}) before the lock is taken and at every open of a file (each rotation); while
 * it cannot be trusted no history is written, one warning line says why and how to fix it, rows count as
 * failures, and writing starts at the first snapshot after it is fixed. Every file, the lock too, is opened
 * without following links and created 0600. Every text field is made printable ({@link HistoryFiles}).
 */
public final class HistoryLog implements Consumer<Snapshot>, AutoCloseable {

    /** Processes remembered as already in the process file; the least recently seen are forgotten first. */
    public static final int MAX_REMEMBERED_PROCESSES = 65_536;
    /** The lock file in {@code history.dir}. */
    public static final String LOCK_FILE = "portwatch-history.lock";

    private static final System.Logger LOG = System.getLogger("io.portwatch");

    private final Path directory;
    private final OwnedFiles files;
    private final Set<Rotation> rotation;
    private final Clock clock;
    private final RotatingCsvFile events;
    private final RotatingCsvFile snapshotFile;
    private final RotatingCsvFile processes;
    private final ChangeTracker tracker = new ChangeTracker();
    private final Map<ProcessKey, Boolean> remembered = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ProcessKey, Boolean> eldest) {
            return size() > MAX_REMEMBERED_PROCESSES;
        }
    };
    private final AtomicLong eventsWritten = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private ProcessModules modules;
    private long processGeneration = -1;
    private boolean started;
    private boolean filesOpen;
    private boolean snapshotWritten;
    private boolean closed;
    private boolean inUseElsewhere;
    private boolean unexpectedFailureLogged;
    /** Why the lock could not be taken, as last logged; null when it was, or was not tried. */
    private String lockProblem;
    private FileChannel lockChannel;
    private FileLock lock;

    private record ProcessKey(int pid, Instant startedAt) {
    }

    /** The log {@code history.*} settings ask for, with the system clock (UTC). */
    public HistoryLog(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    /**
     * The log {@code history.*} settings ask for. When {@code history.dir} is empty the log is off:
     * {@link #isEnabled()} is false and {@link #accept} does nothing. An invalid {@code history.rotate}
     * logs one line and the default ({@code size,daily,start}) is used.
     *
     * @param clock decides the day for daily rotation and stamps the files (tests inject one)
     */
    public HistoryLog(Settings settings, Clock clock) {
        this(settings, clock, null);
    }

    /** For testing only: {@code modules} reads the loaded modules of a process (null: this host's). */
    public HistoryLog(Settings settings, Clock clock, ProcessModules modules) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.modules = modules;
        String dir = settings.get(SettingKey.HISTORY_DIR);
        this.directory = dir == null || dir.isBlank() ? null : Path.of(dir.trim());
        this.rotation = rotation(settings);
        RotationPolicy policy = new RotationPolicy(
                rotation.contains(Rotation.SIZE) ? settings.getBytes(SettingKey.HISTORY_MAX_SIZE) : 0,
                rotation.contains(Rotation.DAILY), settings.getInt(SettingKey.HISTORY_KEEP));
        Problems problems = new Problems();
        this.files = new OwnedFiles(directory == null ? Path.of(".") : directory,
                FileTrust.of(settings.getBoolean(SettingKey.FILES_STRICT_MODES)));
        this.events = new RotatingCsvFile(files, HistoryFiles.EVENTS, HistoryFiles.EVENT_COLUMNS, policy, clock, problems);
        this.snapshotFile = new RotatingCsvFile(files, HistoryFiles.SNAPSHOT, HistoryFiles.SNAPSHOT_COLUMNS, policy, clock,
                problems);
        this.processes = new RotatingCsvFile(files, HistoryFiles.PROCESSES, HistoryFiles.PROCESS_COLUMNS, policy, clock,
                problems);
    }

    private static Set<Rotation> rotation(Settings settings) {
        try {
            return Rotation.parse(settings.get(SettingKey.HISTORY_ROTATE));
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "portwatch: " + e.getMessage() + "; rotating by size, daily and at start");
            return EnumSet.allOf(Rotation.class);
        }
    }

    /** False when {@code history.dir} is empty: then nothing is ever written. */
    public boolean isEnabled() {
        return directory != null;
    }

    /** The directory written to, empty when the log is off. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** Event rows written to the events file since this log was made (metric {@code portwatch_history_events_total}). */
    public long eventsWritten() {
        return eventsWritten.get();
    }

    /**
     * Rows of any of the three files that could not be written (unwritable or untrusted directory, a file
     * refused, full disk, directory locked by another process) (metric
     * {@code portwatch_history_write_failures_total}).
     */
    public long writeFailures() {
        return writeFailures.get();
    }

    /**
     * Records one snapshot: the first one goes to the snapshot file, each later one is compared with
     * the one before and the changes go to the events file. Never throws.
     */
    @Override
    public void accept(Snapshot snapshot) {
        if (directory == null) {
            return;
        }
        try {
            record(snapshot);
        } catch (RuntimeException e) {
            synchronized (this) {
                if (!unexpectedFailureLogged) {
                    unexpectedFailureLogged = true;
                    LOG.log(Level.WARNING, "portwatch: history log failed on a snapshot: " + e);
                }
            }
        }
    }

    private synchronized void record(Snapshot snapshot) {
        if (closed) {
            return;
        }
        if (modules == null) {
            modules = ProcessModules.forThisHost();
        }
        boolean writable = locked();
        if (writable && !filesOpen) {
            filesOpen = true;
            boolean atStart = rotation.contains(Rotation.START);
            events.start(atStart);
            snapshotFile.start(atStart);
            processes.start(atStart);
        }
        if (!started || (writable && !snapshotWritten)) {
            started = true; // the first snapshot is written, or its rows counted as lost ...
            snapshotWritten = writable; // ... and then the first one that can be
            writeSnapshot(snapshot);
        }
        List<SocketEvent> changes = tracker.next(snapshot);
        if (changes.isEmpty()) {
            return;
        }
        writeProcesses(changes);
        List<String> rows = new ArrayList<>(changes.size());
        for (SocketEvent e : changes) {
            rows.add(HistoryFiles.eventRow(e));
        }
        eventsWritten.addAndGet(write(events, rows));
    }

    /** Writes every socket of the snapshot and describes their owners. */
    private void writeSnapshot(Snapshot snapshot) {
        List<SocketEntry> sockets = new ArrayList<>(snapshot.sockets());
        sockets.sort(Comparator.comparing(SocketEntry::protocol).thenComparingInt(SocketEntry::localPort)
                .thenComparing(s -> s.localAddress().getHostAddress()).thenComparingInt(SocketEntry::remotePort)
                .thenComparing(s -> s.remoteAddress().getHostAddress()));
        List<String> rows = new ArrayList<>(sockets.size());
        List<ProcessInfo> owners = new ArrayList<>();
        for (SocketEntry s : sockets) {
            ProcessInfo owner = snapshot.owner(s).orElse(null);
            rows.add(HistoryFiles.snapshotRow(snapshot.takenAt(), s, owner));
            if (owner != null) {
                owners.add(owner);
            }
        }
        write(snapshotFile, rows);
        writeProcesses(snapshot.takenAt(), owners); // the owners at start are described too
    }

    /**
     * Takes the directory's lock if it is not held yet: judges the directory and opens the lock file as every
     * history file. False while it cannot be taken; logs once per reason, once when it works again.
     */
    private boolean locked() {
        if (lock != null) {
            return true;
        }
        if (inUseElsewhere) {
            return false;
        }
        Path file = files.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            channel = files.open(file);
            FileLock taken = channel.tryLock();
            if (taken != null) {
                lockChannel = channel;
                lock = taken;
                if (lockProblem != null) {
                    lockProblem = null;
                    LOG.log(Level.INFO, "portwatch: history.dir " + directory + " can be written again; writing history");
                }
                return true;
            }
            inUseElsewhere = true;
        } catch (OverlappingFileLockException e) {
            inUseElsewhere = true;
        } catch (IOException | RuntimeException e) {
            String why = e instanceof OwnedFiles.UntrustedDirectoryException ? e.getMessage()
                    : "cannot lock " + file + ": " + Errors.text(e);
            if (!why.equals(lockProblem)) {
                lockProblem = why;
                LOG.log(Level.WARNING, "portwatch: " + why + "; no history is written until it is fixed");
            }
        }
        close(channel);
        if (inUseElsewhere) {
            LOG.log(Level.WARNING, "portwatch: history.dir " + directory + " is in use by another portwatch (locked "
                    + LOCK_FILE + "); writing no history here");
        }
        return false;
    }

    private static void close(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            // nothing held
        }
    }

    private void writeProcesses(List<SocketEvent> changes) {
        List<ProcessInfo> owners = new ArrayList<>();
        for (SocketEvent e : changes) {
            if (e.process() != null) {
                owners.add(e.process());
            }
        }
        writeProcesses(changes.get(0).time(), owners);
    }

    /** Describes each of these processes not yet in the current process file. */
    private void writeProcesses(Instant time, List<ProcessInfo> owners) {
        if (lock != null) {
            processes.rotateIfNewDay(); // so that the new day's file describes its processes
        }
        long generation = processes.generation();
        if (generation != processGeneration) {
            remembered.clear(); // a new process file describes every process that shows up in it
            processGeneration = generation;
        }
        List<ProcessInfo> described = new ArrayList<>();
        Set<ProcessKey> keys = new java.util.LinkedHashSet<>();
        for (ProcessInfo p : owners) {
            ProcessKey key = new ProcessKey(p.pid(), p.startedAt());
            if (remembered.get(key) == null && keys.add(key)) {
                described.add(p);
            }
        }
        if (lock == null) { // not written: their modules are not read
            writeFailures.addAndGet(described.size());
            return;
        }
        List<String> rows = new ArrayList<>(described.size());
        for (ProcessInfo p : described) {
            rows.add(HistoryFiles.processRow(time, p, modules.of(p.pid())));
        }
        if (!rows.isEmpty() && write(processes, rows) == rows.size()) {
            keys.forEach(k -> remembered.put(k, Boolean.TRUE));
        }
    }

    private int write(RotatingCsvFile file, List<String> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        if (lock == null) {
            writeFailures.addAndGet(rows.size());
            return 0;
        }
        return file.append(rows);
    }

    /** Rotates every file that has rows now (an operator's request). */
    public void rotate() {
        synchronized (this) {
            if (directory == null || closed || lock == null) {
                return;
            }
        }
        events.rotateNow();
        snapshotFile.rotateNow();
        processes.rotateNow();
    }

    /** Closes the files and releases the directory; later snapshots are ignored. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.close();
        snapshotFile.close();
        processes.close();
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * Counts lost rows and logs once per file when writing it starts failing, once when it works again; a
     * directory found untrusted is said once for all files.
     */
    private final class Problems implements RotatingCsvFile.Problems {
        private final Set<Path> failing = new HashSet<>();
        private String untrusted;

        @Override
        public void writeFailed(Path file, String action, Exception cause, int rows) {
            writeFailures.addAndGet(rows);
            synchronized (this) {
                if (!failing.add(file)) {
                    return;
                }
                if (cause instanceof OwnedFiles.UntrustedDirectoryException) {
                    if (!cause.getMessage().equals(untrusted)) {
                        untrusted = cause.getMessage();
                        LOG.log(Level.WARNING, "portwatch: " + untrusted + "; no history is written until it is fixed");
                    }
                    return;
                }
                LOG.log(Level.WARNING, "portwatch: cannot " + action + " history file " + file + ": "
                        + Errors.text(cause) + "; rows are lost and counted until it works again");
            }
        }

        @Override
        public void written(Path file, int rows) {
            synchronized (this) {
                if (failing.remove(file)) {
                    untrusted = null;
                    LOG.log(Level.INFO, "portwatch: writing history to " + file + " again");
                }
            }
        }

        @Override
        public void note(String message) {
            LOG.log(Level.WARNING, "portwatch: " + message);
        }
    }
}
