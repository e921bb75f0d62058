package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NetnsPattern;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * docs/design.md §3 as a pure function: (definitions, snapshot, resolved names, options) → {@link Evaluation}.
 * No I/O, no clock, no name lookups; the same inputs always give the same result.
 */
public final class Evaluator {

    private Evaluator() {
    }

    /** Evaluates every row that applies to {@code options.hostName()}, with no previous scan. */
    public static Evaluation evaluate(Definitions definitions, Snapshot snapshot, ResolvedNames names,
                                      EvaluationOptions options) {
        return evaluate(definitions, snapshot, names, options, QualityHistory.EMPTY);
    }

    /**
     * Evaluates every row that applies to {@code options.hostName()}; connection quality is judged against the
     * previous scan's {@code previous} ({@link Evaluation#quality()} of the previous evaluation).
     */
    public static Evaluation evaluate(Definitions definitions, Snapshot snapshot, ResolvedNames names,
                                      EvaluationOptions options, QualityHistory previous) {
        return evaluate(definitions, snapshot, names, options, new QualityHistory.Builder(previous));
    }

    /** As above, with the next history's builder given (a test's smaller budget of socket visits). */
    static Evaluation evaluate(Definitions definitions, Snapshot snapshot, ResolvedNames names,
                               EvaluationOptions options, QualityHistory.Builder quality) {
        QualityHistory previous = quality.previous();
        Definitions mine = definitions.forHost(options.hostName());
        SocketIndex index = new SocketIndex(snapshot, options.processesMax());

        NamespaceScope scope = new NamespaceScope(snapshot, index); // rows' netns column
        Map<NetnsPattern, ListeningEvaluator> listening = new HashMap<>();
        List<ListeningResult> listeningResults = new ArrayList<>(mine.listening().size());
        for (ListeningRow row : mine.listening()) {
            listeningResults.add(listening.computeIfAbsent(row.netns(),
                    n -> new ListeningEvaluator(snapshot, scope.index(n), options.hostName())).evaluate(row));
        }

        Map<NetnsPattern, ConnectionEvaluator> connections = new HashMap<>();
        List<ConnectionResult> connectionResults = new ArrayList<>(mine.connections().size());
        for (ConnectionRow row : mine.connections()) {
            connectionResults.add(connections.computeIfAbsent(row.netns(),
                    n -> new ConnectionEvaluator(snapshot, scope.index(n), names, options.hostName(),
                            options.stallSeconds(), previous, quality)).evaluate(row));
        }

        SocketCensus census = index.census();
        List<UnexpectedListener> unexpected = options.unexpectedListeners()
                ? unexpectedListeners(mine.listening(), snapshot, index, options) : List.of();
        return new Evaluation(snapshot.takenAt(), listeningResults, connectionResults, census.processes(),
                census.host(), unexpected, snapshot.listen(), quality.build());
    }

    private static List<UnexpectedListener> unexpectedListeners(List<ListeningRow> rows, Snapshot snapshot,
                                                                SocketIndex index, EvaluationOptions options) {
        List<UnexpectedListener> out = new ArrayList<>();
        for (SocketEntry s : index.listeners()) {
            String process = Owners.name(snapshot, s); // the real name: the ignore list is written with it
            if (options.ignore().ignores(s.protocol(), s.localPort(), process)) {
                continue;
            }
            boolean covered = false;
            for (ListeningRow row : rows) {
                if (row.protocol() == s.protocol() && row.localPort().contains(s.localPort())
                        && row.netns().matches(s.netns())) { // judged per namespace
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                out.add(new UnexpectedListener(s, Owners.publishedName(snapshot, s),
                        snapshot.owner(s).map(ProcessInfo::user).orElse("")));
            }
        }
        return out;
    }
}
