package io.portwatch.scan;

import java.util.Map;
import java.util.Optional;

/** An immutable view of remote names and what they resolved to, as the evaluator sees it. */
public record ResolvedNames(Map<String, Resolution> byName) {

    /** No names known. */
    public static final ResolvedNames NONE = new ResolvedNames(Map.of());

    public ResolvedNames {
        byName = Map.copyOf(byName);
    }

    /** What the name resolved to; empty when it has not been looked up yet. */
    public Optional<Resolution> get(String name) {
        return Optional.ofNullable(byName.get(name.toLowerCase(java.util.Locale.ROOT)));
    }
}
