package io.portwatch.history;

import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.support.Errors;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
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
 */
public final class HistoryLog implements Consumer<Snapshot>, AutoCloseable {

    /** Processes remembered as already in the process file; the least recently seen are forgotten first. */
    public static final int MAX_REMEMBERED_PROCESSES = 65_536;
    /** The lock file in {@code history.dir}. */
    public static final String LOCK_FILE = "portwatch-history.lock";

    private static final System.Logger LOG = System.getLogger("io.portwatch");

    private final Path directory;
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
    private boolean closed;
    private boolean inUseElsewhere;
    private boolean failing;
    private boolean unexpectedFailureLogged;
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
        Path d = directory == null ? Path.of(".") : directory;
        this.events = new RotatingCsvFile(d, HistoryFiles.EVENTS, HistoryFiles.EVENT_COLUMNS, policy, clock, problems);
        this.snapshotFile = new RotatingCsvFile(d, HistoryFiles.SNAPSHOT, HistoryFiles.SNAPSHOT_COLUMNS, policy, clock, problems);
        this.processes = new RotatingCsvFile(d, HistoryFiles.PROCESSES, HistoryFiles.PROCESS_COLUMNS, policy, clock, problems);
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
     * Rows of any of the three files that could not be written (unwritable directory, full disk,
     * directory locked by another process) (metric {@code portwatch_history_write_failures_total}).
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
        if (!started) {
            started = true;
            start(snapshot);
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

    private void start(Snapshot snapshot) {
        if (modules == null) {
            modules = ProcessModules.forThisHost();
        }
        lock();
        boolean atStart = rotation.contains(Rotation.START);
        if (!inUseElsewhere) {
            events.start(atStart);
            snapshotFile.start(atStart);
            processes.start(atStart);
        }
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

    private void lock() {
        try {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
            if (lock == null) {
                inUseElsewhere = true;
            }
        } catch (OverlappingFileLockException e) {
            inUseElsewhere = true;
        } catch (IOException | RuntimeException e) {
            // the files cannot be written either; their failures are counted and logged
        }
        if (inUseElsewhere) {
            LOG.log(Level.WARNING, "portwatch: history.dir " + directory + " is in use by another portwatch (locked "
                    + LOCK_FILE + "); writing no history here");
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
        if (!inUseElsewhere) {
            processes.rotateIfNewDay(); // so that the new day's file describes its processes
        }
        long generation = processes.generation();
        if (generation != processGeneration) {
            remembered.clear(); // a new process file describes every process that shows up in it
            processGeneration = generation;
        }
        List<String> rows = new ArrayList<>();
        Set<ProcessKey> keys = new java.util.LinkedHashSet<>();
        for (ProcessInfo p : owners) {
            ProcessKey key = new ProcessKey(p.pid(), p.startedAt());
            if (remembered.get(key) == null && keys.add(key)) {
                rows.add(HistoryFiles.processRow(time, p, modules.of(p.pid())));
            }
        }
        if (!rows.isEmpty() && write(processes, rows) == rows.size()) {
            keys.forEach(k -> remembered.put(k, Boolean.TRUE));
        }
    }

    private int write(RotatingCsvFile file, List<String> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        if (inUseElsewhere) {
            writeFailures.addAndGet(rows.size());
            return 0;
        }
        return file.append(rows);
    }

    /** Rotates every file that has rows now (an operator's request). */
    public void rotate() {
        synchronized (this) {
            if (directory == null || closed || inUseElsewhere) {
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

    /** Counts lost rows and logs once when writing starts failing, once when it works again. */
    private final class Problems implements RotatingCsvFile.Problems {
        @Override
        public void writeFailed(Path file, String action, Exception cause, int rows) {
            writeFailures.addAndGet(rows);
            synchronized (this) {
                if (!failing) {
                    failing = true;
                    LOG.log(Level.WARNING, "portwatch: cannot " + action + " history file " + file + ": "
                            + Errors.text(cause) + "; rows are lost and counted until it works again");
                }
            }
        }

        @Override
        public void written(Path file, int rows) {
            synchronized (this) {
                if (failing) {
                    failing = false;
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
