package io.portwatch.state;

import io.portwatch.config.Definitions;
import io.portwatch.health.Evaluation;
import io.portwatch.health.Health;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one published "current state" (docs/design.md §1): swapped atomically after each scan, read by every
 * exporter without waiting. Immutable.
 *
 * @param host             this host's name
 * @param version          portwatch's version
 * @param source           the socket source's name ({@code linux}, ...)
 * @param reader           how the source reads the sockets ({@code netlink}, {@code proc}), "" where it has no choice
 * @param interval         the scan interval
 * @param startedAt        when the monitor started
 * @param lastScanAt       start of the last successful scan, empty before the first
 * @param lastScanDuration duration of the last scan (successful or not)
 * @param scans            scans attempted
 * @param scanFailures     scans that failed
 * @param overruns         scans that took longer than the interval
 * @param lastScanError    why the last scan failed or did not happen (a definitions read that did not finish in
 *                         time), "" when it ran
 * @param definitions      the definitions in force: per file, the rows of its last good load
 * @param configErrors     what is wrong with the definitions files on disk now (problems, a file gone missing or
 *                         emptied while it had rows, a read that did not finish, the directory missing), one line
 *                         each naming the file; not empty means some file on disk is not in force and the last
 *                         good rows of that file stay
 * @param reloadsOk        definitions files read again and put in force
 * @param reloadsFailed    definitions files read again (or tried) and not put in force
 * @param evaluation       the results of the last successful scan; empty before the first
 * @param history          what the activity log has written so far
 */
public record MonitorState(String host, String version, String source, String reader, Duration interval,
                           Instant startedAt,
                           Optional<Instant> lastScanAt, Duration lastScanDuration, long scans, long scanFailures,
                           long overruns, String lastScanError, Definitions definitions, List<String> configErrors,
                           long reloadsOk, long reloadsFailed, Optional<Evaluation> evaluation,
                           HistoryStats history) {

    public MonitorState {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(lastScanAt, "lastScanAt");
        Objects.requireNonNull(definitions, "definitions");
        configErrors = List.copyOf(configErrors);
        Objects.requireNonNull(evaluation, "evaluation");
        Objects.requireNonNull(history, "history");
    }

    /**
     * True when the last scan failed or did not happen, so the results are from an older scan (docs/design.md §3:
     * stale, not RED).
     */
    public boolean stale() {
        return !lastScanError.isEmpty();
    }

    /** The worst health of all rows, GREEN before the first scan or without rows. */
    public Health worst() {
        return evaluation.map(Evaluation::worst).orElse(Health.GREEN);
    }

    /** The state before any scan or load. */
    public static MonitorState initial(String host, String version, String source, Duration interval, Instant startedAt) {
        return initial(host, version, source, "", interval, startedAt);
    }

    /** The state before any scan or load, of a source that reads its sockets as {@code reader} says. */
    public static MonitorState initial(String host, String version, String source, String reader, Duration interval,
                                       Instant startedAt) {
        return new MonitorState(host, version, source, reader, interval, startedAt, Optional.empty(), Duration.ZERO,
                0, 0, 0, "",
                Definitions.EMPTY, List.of(), 0, 0, Optional.empty(), HistoryStats.OFF);
    }

    /** After a successful scan that started at {@code at} and took {@code took}. */
    public MonitorState withScan(Instant at, Duration took, boolean overrun, Evaluation result) {
        return new MonitorState(host, version, source, reader, interval, startedAt, Optional.of(at), took, scans + 1,
                scanFailures, overruns + (overrun ? 1 : 0), "", definitions, configErrors, reloadsOk, reloadsFailed,
                Optional.of(result), history);
    }

    /** After a failed scan: the last results stay, marked stale. */
    public MonitorState withScanFailure(Duration took, boolean overrun, String why) {
        return new MonitorState(host, version, source, reader, interval, startedAt, lastScanAt, took, scans + 1,
                scanFailures + 1, overruns + (overrun ? 1 : 0), why, definitions, configErrors, reloadsOk, reloadsFailed,
                evaluation, history);
    }

    /** After good definitions were loaded; {@code reload} counts it as a successful reload. */
    public MonitorState withDefinitions(Definitions loaded, boolean reload) {
        return new MonitorState(host, version, source, reader, interval, startedAt, lastScanAt, lastScanDuration, scans,
                scanFailures, overruns, lastScanError, loaded, List.of(), reloadsOk + (reload ? 1 : 0), reloadsFailed,
                evaluation, history);
    }

    /** After definitions with errors: the last good ones stay in force. */
    public MonitorState withConfigErrors(List<String> errors, boolean reload) {
        return new MonitorState(host, version, source, reader, interval, startedAt, lastScanAt, lastScanDuration, scans,
                scanFailures, overruns, lastScanError, definitions, errors, reloadsOk, reloadsFailed + (reload ? 1 : 0),
                evaluation, history);
    }

    /**
     * After a definitions check: the rows now in force, what is wrong with the files on disk now, and
     * how many file reloads were put in force ({@code okAdded}) or refused ({@code failedAdded}).
     */
    public MonitorState withLoad(Definitions inForce, List<String> errors, long okAdded, long failedAdded) {
        return new MonitorState(host, version, source, reader, interval, startedAt, lastScanAt, lastScanDuration, scans,
                scanFailures, overruns, lastScanError, inForce, errors, reloadsOk + okAdded,
                reloadsFailed + failedAdded, evaluation, history);
    }

    /** With the activity log's latest counts. */
    public MonitorState withHistory(HistoryStats stats) {
        return new MonitorState(host, version, source, reader, interval, startedAt, lastScanAt, lastScanDuration, scans,
                scanFailures, overruns, lastScanError, definitions, configErrors, reloadsOk, reloadsFailed, evaluation,
                stats);
    }

    /**
     * The evaluation this state publishes when it is a new one, not the previous state's published again (a failed
     * scan or a reload note keeps the evaluation it had); empty also before the first scan.
     */
    public Optional<Evaluation> evaluationNewSince(MonitorState previous) {
        return evaluation.filter(now -> previous.evaluation.map(before -> before != now).orElse(true));
    }
}
