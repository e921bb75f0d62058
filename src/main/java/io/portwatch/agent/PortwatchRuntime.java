package io.portwatch.agent;

import io.portwatch.config.BuildInfo;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.QualityNote;
import io.portwatch.support.FileTrust;
import io.portwatch.state.HistoryStats;
import io.portwatch.history.HistoryLog;
import io.portwatch.http.EndpointOptions;
import io.portwatch.jmx.JmxPublisher;
import io.portwatch.jolokia.JolokiaEndpoint;
import io.portwatch.jolokia.JolokiaOptions;
import io.portwatch.prometheus.ExpositionLimits;
import io.portwatch.prometheus.ProcessLabels;
import io.portwatch.prometheus.PrometheusEndpoint;
import io.portwatch.scan.NameCache;
import io.portwatch.scan.ScanOptions;
import io.portwatch.scan.SocketSource;
import io.portwatch.scan.SocketSources;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The composition root: builds the monitor and its publishers from settings, starts them, and
 * stops them in reverse order. Used by the agent and by {@code run} alike. An endpoint that cannot
 * start (port in use, refused settings) is one log line in an agent, and the rest runs on; in {@code run} it
 * stops the start (a service manager should see it).
 */
public final class PortwatchRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.portwatch");

    private final Deque<AutoCloseable> closeables;

    private PortwatchRuntime(Deque<AutoCloseable> closeables) {
        this.closeables = closeables;
    }

    /**
     * Starts everything the settings ask for, in a JVM of portwatch's own ({@code run}), where an enabled endpoint
     * that cannot start stops the start.
     *
     * @throws SocketSources.UnsupportedPlatformException when no socket source works here (nothing is started)
     * @throws EndpointFailedException                   when an enabled endpoint cannot start (what did start is
     *                                                    stopped again)
     */
    public static PortwatchRuntime start(Settings settings)
            throws SocketSources.UnsupportedPlatformException, EndpointFailedException {
        return start(settings, true, true);
    }

    /**
     * Starts everything the settings ask for; {@code ownJvm} false for an agent in someone else's JVM (then the
     * {@code auto} choices keep to what a guest may do: no child process).
     *
     * @throws SocketSources.UnsupportedPlatformException when no socket source works here (nothing is started)
     */
    public static PortwatchRuntime start(Settings settings, boolean ownJvm)
            throws SocketSources.UnsupportedPlatformException {
        try {
            return start(settings, ownJvm, false);
        } catch (EndpointFailedException e) {
            throw new IllegalStateException("an endpoint failure is only logged here", e); // never: failLoudly false
        }
    }

    private static PortwatchRuntime start(Settings settings, boolean ownJvm, boolean failLoudly)
            throws SocketSources.UnsupportedPlatformException, EndpointFailedException {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            return start(settings, ownJvm, failLoudly, started);
        } catch (RuntimeException | Error | EndpointFailedException e) {
            new PortwatchRuntime(started).close(); // stop what did start
            throw e;
        }
    }

    private static PortwatchRuntime start(Settings settings, boolean ownJvm, boolean failLoudly,
                                          Deque<AutoCloseable> started)
            throws SocketSources.UnsupportedPlatformException, EndpointFailedException {
        SocketSource source = SocketSources.create(settings.get(SettingKey.SCAN_SOURCE), System.getProperty("os.name", ""),
                ScanOptions.of(settings.get(SettingKey.NAMESPACES), settings.get(SettingKey.SCAN_LISTEN_BACKLOG),
                        settings.get(SettingKey.SCAN_READER), ownJvm));
        EvaluationOptions options = EvaluationOptions.of(settings);
        NameCache names = new NameCache(NameCache.SYSTEM, settings.getSeconds(SettingKey.DNS_REFRESH));
        started.push(names);
        Monitor monitor = new Monitor(source, names, options, settings.getPath(SettingKey.DEFINITIONS),
                settings.getSeconds(SettingKey.INTERVAL), BuildInfo.version(), Clock.systemUTC(),
                FileTrust.of(settings.getBoolean(SettingKey.FILES_STRICT_MODES)));

        HistoryLog history = new HistoryLog(settings);
        if (history.isEnabled()) {
            monitor.addSnapshotListener(history);
            monitor.historyStats(() -> new HistoryStats(true, history.eventsWritten(), history.writeFailures()));
            started.push(history);
        }

        monitor.addListener(new HealthLog(LOG));
        monitor.addListener(new UnexpectedListenerLog(LOG));

        JmxPublisher jmx = new JmxPublisher(ManagementFactory.getPlatformMBeanServer(), monitor::state, monitor);
        jmx.register();
        monitor.addListener(jmx);
        started.push(jmx);

        Optional<PrometheusEndpoint> prometheus = Optional.empty();
        if (settings.getBoolean(SettingKey.PROMETHEUS_ENABLED)) {
            try {
                prometheus = Optional.of(PrometheusEndpoint.start(
                        EndpointOptions.of(settings, EndpointOptions.Keys.PROMETHEUS), monitor::state,
                        new ProcessLabels(settings.getBoolean(SettingKey.PROMETHEUS_PID_LABEL),
                                settings.getBoolean(SettingKey.PROMETHEUS_NETNS_LABEL)),
                        ExpositionLimits.of(settings)));
                started.push(prometheus.get());
            } catch (Exception e) {
                endpointFailed("Prometheus", settings, SettingKey.PROMETHEUS_HOST, SettingKey.PROMETHEUS_PORT, e,
                        failLoudly);
            }
        }
        Optional<JolokiaEndpoint> jolokia = Optional.empty();
        if (settings.getBoolean(SettingKey.JOLOKIA_ENABLED)) {
            try {
                jolokia = Optional.of(JolokiaEndpoint.start(JolokiaOptions.of(settings)));
                started.push(jolokia.get());
            } catch (Exception e) {
                endpointFailed("Jolokia", settings, SettingKey.JOLOKIA_HOST, SettingKey.JOLOKIA_PORT, e, failLoudly);
            }
        }
        started.push(monitor); // closed first: no scan runs while the publishers and the history stop
        monitor.start();
        PortwatchRuntime runtime = new PortwatchRuntime(started);
        LOG.log(Level.INFO, "portwatch " + BuildInfo.version() + " started in pid " + ProcessHandle.current().pid()
                + ": " + source.name() + " sockets" + (source.reader().isEmpty() ? "" : " from " + source.reader())
                + " every " + settings.get(SettingKey.INTERVAL) + " s, definitions "
                + settings.getPath(SettingKey.DEFINITIONS).toAbsolutePath()
                + prometheus.map(p -> ", metrics " + p.url()).orElse("")
                + jolokia.map(j -> ", jolokia " + j.url()).orElse("")
                + history.directory().map(d -> ", history " + d.toAbsolutePath()).orElse("")
                + QualityNote.of(monitor.state().definitions().forHost(options.hostName()), source.measuresTcpQuality(), source.name(),
                        options.stallSeconds()).map(n -> "; " + n).orElse(""));
        return runtime;
    }

    /**
     * One line naming the endpoint, its address and the cause: thrown when failing loudly, else logged (the agent's
     * line as it always was).
     */
    private static void endpointFailed(String endpoint, Settings settings, SettingKey hostKey, SettingKey portKey,
                                       Exception e, boolean failLoudly) throws EndpointFailedException {
        String cause = e.getMessage() == null ? e.toString() : e.getMessage();
        if (!failLoudly) {
            LOG.log(Level.WARNING, "portwatch: no " + endpoint + " endpoint: " + cause);
            return;
        }
        String host = settings.get(hostKey).trim();
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + settings.get(portKey).trim();
        throw new EndpointFailedException("no " + endpoint + " endpoint"
                + (cause.contains(address) ? "" : " on " + address) + ": " + cause, e);
    }

    /** True when a portwatch Agent MBean is registered in this JVM (a load through another class loader included). */
    static boolean isRunningInThisJvm() {
        try {
            return ManagementFactory.getPlatformMBeanServer().isRegistered(new ObjectName("portwatch:type=Agent"));
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops every part, newest first; never throws. */
    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            AutoCloseable c = closeables.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "portwatch: stopping " + c.getClass().getSimpleName() + ": " + e);
            }
        }
    }
}
