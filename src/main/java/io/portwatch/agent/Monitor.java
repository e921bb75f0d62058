package io.portwatch.agent;

import io.portwatch.config.Definitions;
import io.portwatch.config.DefinitionsLoader;
import io.portwatch.support.FileTrust;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.health.QualityHistory;
import io.portwatch.state.HistoryStats;
import io.portwatch.state.MonitorControl;
import io.portwatch.state.MonitorState;
import io.portwatch.state.StateListener;
import io.portwatch.scan.NameCache;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketSource;
import io.portwatch.support.DaemonThreads;
import io.portwatch.support.Errors;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The scan loop: one daemon thread ({@code portwatch-scan}) that, every interval, reloads changed
 * definitions, scans, evaluates and publishes one immutable {@link MonitorState}. Every cycle
 * catches everything, counts failures and goes on. Readers call {@link #state()}, which never
 * waits. A cycle that overruns the interval delays the next one (never two at once) and is counted.
 *
 * <p>Definitions are kept file by file by a {@link DefinitionsWatcher}: a file is read again once it
 * has changed and stayed unchanged for a second (by this monitor's clock), on a reader thread that
 * the cycle waits for at most a few seconds; a bad, missing or emptied file keeps its last good rows
 * and says why in {@link MonitorState#configErrors()}. A cycle whose read did not finish in time does
 * not scan: it publishes the last results, marked stale with the reason.
 *
 * <p>{@link #scanNow()} and {@link #reloadDefinitions()} coalesce: at most one requested cycle is
 * pending; a call while one is pending returns at once and queues nothing.
 */
public final class Monitor implements MonitorControl, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.portwatch");

    private final SocketSource source;
    /** The definitions whose connections the source was last asked to measure (scan thread only). */
    private Definitions qualityMeasuredFor;
    /** Whether rows skipped for quality were logged (scan thread only). */
    private boolean qualitySkipSaid;
    private final NameCache names;
    private final EvaluationOptions options;
    private final DefinitionsWatcher watcher;
    private final Clock clock;
    private final Ticker ticker;
    private final Duration interval;
    private final AtomicReference<MonitorState> state = new AtomicReference<>();
    private final AtomicBoolean reloadRequested = new AtomicBoolean();
    /** Guards the fields below; the scan thread waits on it. */
    private final Object lock = new Object();
    private Thread thread;
    private boolean periodic;
    private boolean cycleRequested;
    private boolean running;
    private boolean closed;
    private final List<CompletableFuture<Void>> drained = new ArrayList<>();
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Snapshot>> snapshotListeners = new CopyOnWriteArrayList<>();
    private volatile Supplier<HistoryStats> history = () -> HistoryStats.OFF;

    public Monitor(SocketSource source, NameCache names, EvaluationOptions options, Path definitions,
                   Duration interval, String version, Clock clock) {
        this(source, names, options, definitions, interval, version, clock, FileTrust.strict());
    }

    /** @param trust how the definitions folder and files are judged (setting {@code files.strictModes}) */
    public Monitor(SocketSource source, NameCache names, EvaluationOptions options, Path definitions,
                   Duration interval, String version, Clock clock, FileTrust trust) {
        this(source, names, options, definitions, interval, version, clock, Ticker.SYSTEM,
                DefinitionsWatcher.READ_DEADLINE, (d, f) -> DefinitionsLoader.loadFile(d, f, trust), trust);
    }

    /** For testing: how long a cycle waits for a definitions read, and what reads a file. */
    Monitor(SocketSource source, NameCache names, EvaluationOptions options, Path definitions, Duration interval,
            String version, Clock clock, Duration readDeadline, DefinitionsWatcher.Loader loader) {
        this(source, names, options, definitions, interval, version, clock, Ticker.SYSTEM, readDeadline, loader);
    }

    /** For testing: also the ticker that times cycles and schedules them. */
    Monitor(SocketSource source, NameCache names, EvaluationOptions options, Path definitions, Duration interval,
            String version, Clock clock, Ticker ticker, Duration readDeadline, DefinitionsWatcher.Loader loader) {
        this(source, names, options, definitions, interval, version, clock, ticker, readDeadline, loader,
                FileTrust.strict());
    }

    private Monitor(SocketSource source, NameCache names, EvaluationOptions options, Path definitions,
                    Duration interval, String version, Clock clock, Ticker ticker, Duration readDeadline,
                    DefinitionsWatcher.Loader loader, FileTrust trust) {
        this.source = source;
        this.ticker = ticker;
        this.names = names;
        this.options = options;
        this.watcher = new DefinitionsWatcher(definitions, clock, readDeadline, loader, trust);
        this.clock = clock;
        this.interval = interval;
        MonitorState initial = MonitorState.initial(options.hostName(), version, source.name(), source.reader(),
                interval, clock.instant());
        DefinitionsWatcher.Check first = watcher.check(true, true);
        Definitions d = first.definitions();
        LOG.log(Level.INFO, "portwatch: loaded " + d.listening().size() + " listening and " + d.connections().size()
                + " connection rows from " + definitions + (first.errors().isEmpty() ? ""
                : " (" + first.errors().size() + " config error" + (first.errors().size() == 1 ? "" : "s") + ")"));
        state.set(initial.withLoad(d, first.errors(), 0, 0));
    }

    /** Starts scanning now and every interval after. */
    public void start() {
        synchronized (lock) {
            periodic = true;
            ensureThread();
            lock.notifyAll();
        }
    }

    /** The last published state; never blocks. */
    public MonitorState state() {
        return state.get();
    }

    /** Tells a listener of every state published from now on. */
    public void addListener(StateListener listener) {
        listeners.add(listener);
    }

    /** Hands every successful snapshot to a consumer (the history log), on the scan thread. */
    public void addSnapshotListener(Consumer<Snapshot> listener) {
        snapshotListeners.add(listener);
    }

    /** Where the published state takes the activity log's counts from (read after every scan). */
    public void historyStats(Supplier<HistoryStats> stats) {
        this.history = stats;
    }

    @Override
    public void scanNow() {
        requestCycle();
    }

    @Override
    public void reloadDefinitions() {
        reloadRequested.set(true);
        requestCycle();
    }

    /** Queues one cycle unless one is queued already (then the queued one serves this request too). */
    private void requestCycle() {
        synchronized (lock) {
            if (closed || cycleRequested) {
                return;
            }
            cycleRequested = true;
            ensureThread();
            lock.notifyAll();
        }
    }

    /** Starts the scan thread on first need (held: lock). */
    private void ensureThread() {
        if (thread == null && !closed) {
            thread = DaemonThreads.start("portwatch-scan", this::loop);
        }
    }

    /**
     * The scan thread: a requested cycle at once, and with {@link #start()} one every interval on a fixed grid. A cycle
     * is never run beside another; one that overruns makes the next start as soon as it ends.
     */
    private void loop() {
        long next = ticker.nanoTime();
        try {
            while (true) {
                boolean due;
                synchronized (lock) {
                    while (!closed && !cycleRequested && !(periodic && ticker.nanoTime() - next >= 0)) {
                        ticker.await(lock, next, periodic);
                    }
                    if (closed) {
                        return;
                    }
                    due = periodic && ticker.nanoTime() - next >= 0;
                    cycleRequested = false;
                    running = true;
                }
                try {
                    cycle();
                } finally {
                    synchronized (lock) {
                        running = false;
                        if (!cycleRequested) {
                            drained.forEach(f -> f.complete(null));
                            drained.clear();
                        }
                    }
                }
                if (due) {
                    next += interval.toNanos();
                    long now = ticker.nanoTime();
                    if (now - next > 0) {
                        next = now; // overran: the next cycle starts now, and the grid moves with it
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    /** One scan cycle; public for tests that drive the monitor without its thread. */
    public void cycle() {
        try {
            long t0 = ticker.nanoTime();
            MonitorState current = state.get();
            DefinitionsWatcher.Check check = null;
            try {
                check = watcher.check(reloadRequested.getAndSet(false), false);
            } catch (RuntimeException e) { // the definitions in force stay; the scan goes on
                LOG.log(Level.WARNING, "portwatch: checking the definitions files failed: " + e);
            }
            if (check != null && check.changed()) {
                current = current.withLoad(check.definitions(), check.errors(), check.reloadsOk(),
                        check.reloadsFailed());
            }
            if (check != null && !check.skipScan().isEmpty()) {
                Duration took = Duration.ofNanos(ticker.nanoTime() - t0);
                publish(current.withScanFailure(took, overran(took), check.skipScan()));
                return;
            }
            names.want(current.definitions().remoteNames());
            if (current.definitions() != qualityMeasuredFor) { // the kernel measures what these rows judge
                qualityMeasuredFor = current.definitions();
                source.measureQualityFor(qualityMeasuredFor.forHost(options.hostName()).remotePortRanges());
            }
            publish(scanAndEvaluate(current));
        } catch (Throwable t) { // never let anything end the loop or reach the host
            LOG.log(Level.WARNING, "portwatch: scan cycle failed: " + t);
        }
    }

    /** For testing: completes once every cycle requested before it has run. */
    Future<Void> afterQueuedCycles() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (lock) {
            if (!cycleRequested && !running) {
                f.complete(null);
            } else {
                drained.add(f);
            }
        }
        return f;
    }

    private MonitorState scanAndEvaluate(MonitorState s) {
        Instant start = clock.instant();
        long t0 = ticker.nanoTime();
        Snapshot snapshot;
        try {
            snapshot = source.scan();
        } catch (Exception | LinkageError e) {
            Duration took = Duration.ofNanos(ticker.nanoTime() - t0);
            String why = Errors.text(e);
            if (!s.stale()) {
                LOG.log(Level.WARNING, "portwatch: scan failed, keeping the last results (stale): " + why);
            }
            return s.withScanFailure(took, overran(took), why);
        }
        Evaluation evaluation = Evaluator.evaluate(s.definitions(), snapshot, names.current(), options,
                s.evaluation().map(Evaluation::quality).orElse(QualityHistory.EMPTY));
        Duration took = Duration.ofNanos(ticker.nanoTime() - t0);
        if (s.stale()) {
            LOG.log(Level.INFO, "portwatch: scanning again after failure");
        }
        int skipped = evaluation.quality().skippedRows();
        if (skipped > 0 && !qualitySkipSaid) {
            qualitySkipSaid = true; // once: the definitions decide it, and they change rarely
            LOG.log(Level.WARNING, "portwatch: connection quality of " + skipped + " rows not measured: their rows"
                    + " together match more than " + QualityHistory.MAX_SOCKET_VISITS + " measured sockets a scan"
                    + " (no verdict for them; narrow the rows' remote ports or addresses)");
        }
        for (Consumer<Snapshot> l : snapshotListeners) {
            try {
                l.accept(snapshot);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "portwatch: snapshot listener failed: " + e);
            }
        }
        return s.withScan(start, took, overran(took), evaluation).withHistory(history.get());
    }

    private boolean overran(Duration took) {
        return took.compareTo(interval) > 0;
    }

    private void publish(MonitorState next) {
        MonitorState previous = state.getAndSet(next);
        for (StateListener l : listeners) {
            try {
                l.published(previous, next);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "portwatch: state listener failed: " + e);
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            t = thread;
            lock.notifyAll();
        }
        watcher.close();
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (t == null || !t.isAlive()) { // a scan still running keeps what it reads from
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "portwatch: closing the socket source: " + e);
            }
        }
    }
}
