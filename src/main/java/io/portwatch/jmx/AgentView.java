package io.portwatch.jmx;

import io.portwatch.config.Definitions;
import io.portwatch.health.Health;
import io.portwatch.state.MonitorControl;
import io.portwatch.state.MonitorState;

import java.util.function.Supplier;

/** {@code portwatch:type=Agent}: every attribute is read from the latest state. */
final class AgentView implements AgentMXBean {

    /** {@link #getWorstHealthName()} before the first scan: not GREEN, which would claim all is well. */
    static final String NOT_SCANNED = "NOT_SCANNED";
    /** {@link #getWorstHealth()} before the first scan. */
    static final int NOT_SCANNED_CODE = -1;

    private final Supplier<MonitorState> state;
    private final MonitorControl control;

    AgentView(Supplier<MonitorState> state, MonitorControl control) {
        this.state = state;
        this.control = control;
    }

    private MonitorState s() {
        return state.get();
    }

    private Definitions mine() {
        MonitorState s = s();
        return s.definitions().forHost(s.host());
    }

    private int count(Health health) {
        return s().evaluation().map(e -> (int) e.count(health)).orElse(0);
    }

    @Override
    public String getHost() {
        return s().host();
    }

    @Override
    public String getVersion() {
        return s().version();
    }

    @Override
    public String getSource() {
        return s().source();
    }

    @Override
    public String getSocketReader() {
        return s().reader();
    }

    @Override
    public long getIntervalSeconds() {
        return s().interval().getSeconds();
    }

    @Override
    public String getStartedAt() {
        return Values.iso(s().startedAt());
    }

    @Override
    public String getLastScanTime() {
        return s().lastScanAt().map(Values::iso).orElse("");
    }

    @Override
    public long getLastScanDurationMillis() {
        return s().lastScanDuration().toMillis();
    }

    @Override
    public int getSockets() {
        return s().evaluation().map(e -> e.host().total()).orElse(0);
    }

    @Override
    public long getScanCount() {
        return s().scans();
    }

    @Override
    public long getScanFailures() {
        return s().scanFailures();
    }

    @Override
    public long getScanOverruns() {
        return s().overruns();
    }

    @Override
    public long getListenOverflows() {
        return s().evaluation().map(e -> e.listen().overflows()).orElse(-1L);
    }

    @Override
    public long getListenDrops() {
        return s().evaluation().map(e -> e.listen().drops()).orElse(-1L);
    }

    @Override
    public long getHistoryEventsWritten() {
        return s().history().eventsWritten();
    }

    @Override
    public long getHistoryWriteFailures() {
        return s().history().writeFailures();
    }

    @Override
    public String getLastScanError() {
        return s().lastScanError();
    }

    @Override
    public boolean isStale() {
        return s().stale();
    }

    @Override
    public int getListeningDefinitions() {
        return mine().listening().size();
    }

    @Override
    public int getConnectionDefinitions() {
        return mine().connections().size();
    }

    @Override
    public String[] getConfigErrors() {
        return s().configErrors().toArray(String[]::new);
    }

    @Override
    public long getConfigReloads() {
        return s().reloadsOk();
    }

    @Override
    public long getConfigReloadFailures() {
        return s().reloadsFailed();
    }

    @Override
    public int getGreenCount() {
        return count(Health.GREEN);
    }

    @Override
    public int getYellowCount() {
        return count(Health.YELLOW);
    }

    @Override
    public int getRedCount() {
        return count(Health.RED);
    }

    @Override
    public int getWorstHealth() {
        return s().lastScanAt().isPresent() ? s().worst().code() : NOT_SCANNED_CODE;
    }

    @Override
    public String getWorstHealthName() {
        return s().lastScanAt().isPresent() ? s().worst().name() : NOT_SCANNED;
    }

    @Override
    public void scanNow() {
        control.scanNow();
    }

    @Override
    public void reloadDefinitions() {
        control.reloadDefinitions();
    }
}
