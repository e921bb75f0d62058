package io.portwatch.config;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The values of one load, each held once however many rows repeat it (docs/design.md §5 rule 2): equal field
 * texts are one {@link String}, equal {@code procName} and {@code host} patterns one {@link NamePattern}, equal
 * addresses one {@link InetAddress}. Rows repeat their process names and comments (a file of 20,000 rows naming
 * the same 500-character process would otherwise hold it 20,000 times). Bounded by the file it serves, and dropped
 * with the load: nothing is shared between loads or files.
 */
final class SharedValues {

    private final Map<String, String> texts = new HashMap<>();
    private final Map<String, NamePattern> patterns = new HashMap<>();
    private final Map<String, Optional<InetAddress>> addresses = new HashMap<>();

    /** The one instance of the text equal to {@code value}. */
    String text(String value) {
        String first = texts.putIfAbsent(value, value);
        return first == null ? value : first;
    }

    /**
     * The fields, each replaced by its one instance, but the one at {@code unique} (the id, unique per row: sharing
     * it would only fill the map); null for none.
     */
    List<String> texts(List<String> values, Integer unique) {
        String[] shared = new String[values.size()];
        for (int i = 0; i < shared.length; i++) {
            shared[i] = unique != null && unique == i ? values.get(i) : text(values.get(i));
        }
        return List.of(shared);
    }

    /** {@link NamePattern#of(String)}, one instance per text. */
    NamePattern pattern(String value) {
        return patterns.computeIfAbsent(value, NamePattern::of);
    }

    /** {@code parse.apply(value)}, one instance per text; a parser that throws caches nothing. */
    Optional<InetAddress> address(String value, Function<String, Optional<InetAddress>> parse) {
        Optional<InetAddress> known = addresses.get(value);
        if (known == null) {
            known = parse.apply(value);
            addresses.put(value, known);
        }
        return known;
    }
}
