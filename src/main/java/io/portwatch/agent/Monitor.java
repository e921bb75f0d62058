package io.portwatch.agent;

import io.portwatch.config.Definitions;
import io.portwatch.config.DefinitionsLoader;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.health.HistoryStats;
import io.portwatch.health.MonitorControl;
import io.portwatch.health.MonitorState;
import io.portwatch.health.StateListener;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
    private final NameCache names;
    private final EvaluationOptions options;
    private final DefinitionsWatcher watcher;
    private final Clock clock;
    private final Duration interval;
    private final ScheduledExecutorService executor;
    private final AtomicReference<MonitorState> state = new AtomicReference<>();
    private final AtomicBoolean cycleRequested = new AtomicBoolean();
    private final AtomicBoolean reloadRequested = new AtomicBoolean();
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Snapshot>> snapshotListeners = new CopyOnWriteArrayList<>();
    private volatile Supplier<HistoryStats> history = () -> HistoryStats.OFF;

    public Monitor(SocketSource source, NameCache names, EvaluationOptions options, Path definitions,
                   Duration interval, String version, Clock clock) {
        this(source, names, options, definitions, interval, version, clock, DefinitionsWatcher.READ_DEADLINE,
                DefinitionsLoader::loadFile);
    }

    /** For testing: how long a cycle waits for a definitions read, and what reads a file. */
    Monitor(SocketSource source, NameCache names, EvaluationOptions options, Path definitions, Duration interval,
            String version, Clock clock, Duration readDeadline, DefinitionsWatcher.Loader loader) {
        this.source = source;
        this.names = names;
        this.options = options;
        this.watcher = new DefinitionsWatcher(definitions, clock, readDeadline, loader);
        this.clock = clock;
        this.interval = interval;
        this.executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portwatch-scan"));
        MonitorState initial = MonitorState.initial(options.hostName(), version, source.name(), interval, clock.instant());
        DefinitionsWatcher.Check first = watcher.check(true, true);
        Definitions d = first.definitions();
        LOG.log(Level.INFO, "portwatch: loaded " + d.listening().size() + " listening and " + d.connections().size()
                + " connection rows from " + definitions + (first.errors().isEmpty() ? ""
                : " (" + first.errors().size() + " config error" + (first.errors().size() == 1 ? "" : "s") + ")"));
        state.set(initial.withLoad(d, first.errors(), 0, 0));
    }

    /** Starts scanning now and every interval after. */
    public void start() {
        executor.scheduleAtFixedRate(this::cycle, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
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
        if (!cycleRequested.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                cycleRequested.set(false);
                cycle();
            });
        } catch (RejectedExecutionException e) { // closed
            cycleRequested.set(false);
        }
    }

    /** One scan cycle; public for tests that drive the monitor without its thread. */
    public void cycle() {
        try {
            long t0 = System.nanoTime();
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
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                publish(current.withScanFailure(took, overran(took), check.skipScan()));
                return;
            }
            names.want(current.definitions().remoteNames());
            publish(scanAndEvaluate(current));
        } catch (Throwable t) { // never let anything end the loop or reach the host
            LOG.log(Level.WARNING, "portwatch: scan cycle failed: " + t);
        }
    }

    /** For testing: a task that runs once every cycle queued before it has run. */
    Future<?> afterQueuedCycles() {
        return executor.submit(() -> { });
    }

    private MonitorState scanAndEvaluate(MonitorState s) {
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        Snapshot snapshot;
        try {
            snapshot = source.scan();
        } catch (Exception | LinkageError e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String why = Errors.text(e);
            if (!s.stale()) {
                LOG.log(Level.WARNING, "portwatch: scan failed, keeping the last results (stale): " + why);
            }
            return s.withScanFailure(took, overran(took), why);
        }
        Evaluation evaluation = Evaluator.evaluate(s.definitions(), snapshot, names.current(), options);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (s.stale()) {
            LOG.log(Level.INFO, "portwatch: scanning again after failure");
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
        executor.shutdownNow();
        watcher.close();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
