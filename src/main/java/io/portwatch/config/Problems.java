package io.portwatch.config;

import java.util.ArrayList;
import java.util.List;

/** The first {@value DefinitionsLoader#MAX_PROBLEMS} problems of a file, and the count of all. */
final class Problems {
    private final List<DefinitionProblem> kept = new ArrayList<>();
    private long count;

    void add(DefinitionProblem problem) {
        count++;
        if (kept.size() < DefinitionsLoader.MAX_PROBLEMS) {
            kept.add(problem);
        }
    }

    List<DefinitionProblem> kept() {
        return kept;
    }

    long count() {
        return count;
    }
}
