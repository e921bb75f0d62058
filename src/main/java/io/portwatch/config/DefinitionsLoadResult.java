package io.portwatch.config;

import java.util.List;
import java.util.Objects;

/**
 * What loading the definitions files gave.
 *
 * <p>{@code definitions} holds every row that parsed without a problem. When {@link #ok()} is false
 * it is incomplete: a caller must not swap it in, but keep the last good definitions and report the
 * problems. Notes are informational (a missing file, an empty file) and never make the result bad.
 *
 * @param definitions the rows that parsed without a problem
 * @param problems    every problem found, in file and line order; printed as
 *                    {@code monitoredListeningPorts.csv:7: localPort: expecting 1-65535 (found "80a")}
 * @param notes       informational lines, e.g. {@code monitoredTcpConnects.csv not found in /etc/portwatch: no connection rows}
 */
public record DefinitionsLoadResult(Definitions definitions, List<DefinitionProblem> problems, List<String> notes) {

    public DefinitionsLoadResult {
        Objects.requireNonNull(definitions, "definitions");
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** True only when there are no problems: then, and only then, {@link #definitions()} may be swapped in. */
    public boolean ok() {
        return problems.isEmpty();
    }
}
