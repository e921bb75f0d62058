package io.portwatch.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What loading the definitions files of a directory gave.
 *
 * <p>{@code definitions} holds every row that parsed without a problem. When {@link #ok()} is false
 * it is incomplete: a caller must not swap it in, but keep the last good definitions and report the
 * problems. Notes are informational (a missing file, an empty file) and never make the result bad.
 *
 * @param definitions  the rows that parsed without a problem
 * @param problems     the problems kept (at most {@value DefinitionsLoader#MAX_PROBLEMS} per file), in file and
 *                     line order; printed as
 *                     {@code monitoredListeningPorts.csv:7: localPort: expecting 1-65535 (found "80a")}
 * @param notes        informational lines, e.g. {@code monitoredTcpConnects.csv not found in /etc/portwatch: no connection rows}
 * @param problemCount every problem found, kept or not
 * @param problemLines the problems kept, one line each, and for each file whose problems were not all
 *                     kept one line saying how many more it has
 * @param warningLines the warnings kept (rows loaded, but not as written: extra values ignored), one line each,
 *                     as {@code problemLines}; warnings never make the result bad
 */
public record DefinitionsLoadResult(Definitions definitions, List<DefinitionProblem> problems, List<String> notes,
                                    long problemCount, List<String> problemLines, List<String> warningLines) {

    public DefinitionsLoadResult {
        Objects.requireNonNull(definitions, "definitions");
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
        problemLines = List.copyOf(problemLines);
        warningLines = List.copyOf(warningLines);
        if (problemCount < problems.size()) {
            throw new IllegalArgumentException("problemCount " + problemCount + " < " + problems.size() + " problems");
        }
    }

    /** A result whose problems were all kept, without warnings. */
    public DefinitionsLoadResult(Definitions definitions, List<DefinitionProblem> problems, List<String> notes) {
        this(definitions, problems, notes, problems.size(),
                problems.stream().map(DefinitionProblem::toString).collect(Collectors.toList()), List.of());
    }

    /** One file's result alone. */
    static DefinitionsLoadResult of(DefinitionsFileResult file) {
        return new DefinitionsLoadResult(file.definitions(), file.problems(), file.notes(), file.problemCount(),
                file.problemLines(), file.warningLines());
    }

    /** Both files' results as one. */
    static DefinitionsLoadResult of(DefinitionsFileResult listening, DefinitionsFileResult connections) {
        List<DefinitionProblem> problems = new ArrayList<>(listening.problems());
        problems.addAll(connections.problems());
        List<String> notes = new ArrayList<>(listening.notes());
        notes.addAll(connections.notes());
        List<String> lines = new ArrayList<>(listening.problemLines());
        lines.addAll(connections.problemLines());
        List<String> warnings = new ArrayList<>(listening.warningLines());
        warnings.addAll(connections.warningLines());
        return new DefinitionsLoadResult(
                new Definitions(listening.definitions().listening(), connections.definitions().connections()),
                problems, notes, listening.problemCount() + connections.problemCount(), lines, warnings);
    }

    /** True when some rows loaded, but not as written (see {@link #warningLines()}). */
    public boolean hasWarnings() {
        return !warningLines.isEmpty();
    }

    /** True only when there are no problems: then, and only then, {@link #definitions()} may be swapped in. */
    public boolean ok() {
        return problemCount == 0;
    }
}
