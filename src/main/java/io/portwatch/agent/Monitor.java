package io.portwatch.agent;

import io.portwatch.config.Definitions;
import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.DefinitionProblem;
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

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The scan loop: one daemon thread ({@code portwatch-scan}) that, every interval, reloads changed
 * definitions, scans, evaluates and publishes one immutable {@link MonitorState}. Every cycle
 * catches everything, counts failures and goes on. Readers call {@link #state()}, which never
 * waits. A cycle that overruns the interval delays the next one (never two at once) and is counted.
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
    private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Snapshot>> snapshotListeners = new CopyOnWriteArrayList<>();
    private volatile Supplier<HistoryStats> history = () -> HistoryStats.OFF;

    public Monitor(SocketSource source, NameCache names, EvaluationOptions options, java.nio.file.Path definitions,
                   Duration interval, String version, Clock clock) {
        this.source = source;
        this.names = names;
        this.options = options;
        this.watcher = new DefinitionsWatcher(definitions);
        this.clock = clock;
        this.interval = interval;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "portwatch-scan");
            t.setDaemon(true);
            return t;
        });
        MonitorState initial = MonitorState.initial(options.hostName(), version, source.name(), interval, clock.instant());
        state.set(applyLoad(initial, watcher.load(), true));
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
        executor.execute(this::cycle);
    }

    @Override
    public void reloadDefinitions() {
        executor.execute(() -> publish(applyLoad(state.get(), watcher.load(), false)));
    }

    /** One scan cycle; public for tests that drive the monitor without its thread. */
    public void cycle() {
        try {
            MonitorState current = state.get();
            if (watcher.changed()) {
                current = applyLoad(current, watcher.load(), false);
            }
            names.want(current.definitions().remoteNames());
            publish(scanAndEvaluate(current));
        } catch (Throwable t) { // never let anything end the loop or reach the host
            LOG.log(Level.WARNING, "portwatch: scan cycle failed: " + t);
        }
    }

    private MonitorState scanAndEvaluate(MonitorState s) {
        Instant start = clock.instant();
        long t0 = System.nanoTime();
        Snapshot snapshot;
        try {
            snapshot = source.scan();
        } catch (Exception | LinkageError e) {
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
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

    private MonitorState applyLoad(MonitorState s, DefinitionsLoadResult loaded, boolean initial) {
        loaded.notes().forEach(n -> LOG.log(Level.INFO, "portwatch: " + n));
        if (loaded.ok()) {
            Definitions d = loaded.definitions();
            LOG.log(Level.INFO, "portwatch: " + (initial ? "loaded " : "reloaded ") + d.listening().size()
                    + " listening and " + d.connections().size() + " connection rows from " + watcher.directory());
            return s.withDefinitions(d, !initial);
        }
        List<String> errors = loaded.problems().stream().map(DefinitionProblem::toString).collect(Collectors.toList());
        LOG.log(Level.WARNING, "portwatch: " + errors.size() + " problem(s) in " + watcher.directory()
                + (initial ? "; no definitions in force" : "; keeping the last good definitions") + ": "
                + String.join("; ", errors));
        return s.withConfigErrors(errors, !initial);
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
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
