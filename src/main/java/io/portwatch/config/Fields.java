package io.portwatch.config;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The fields of one data row by column name, collecting the row's problems. A value longer than
 * its column allows is a problem, is never parsed, and reads as "".
 */
final class Fields {

    final Source source;
    private final Map<String, Integer> columns;
    private final List<String> values;
    private final Map<Integer, Integer> lengths;
    private final Problems problems;
    /** The values of the load this row belongs to, each held once. */
    final SharedValues shared;
    private final Set<String> tooLong = new HashSet<>();
    boolean failed;

    /**
     * @param values  the record's printable fields, as many as the header has
     * @param lengths the length of each field the CSV reader cut ({@link DefinitionsCsv.Record#lengths()})
     * @param shared  the values of the load: every field but the id (unique per row) is held as its one instance
     *                there
     */
    Fields(Source source, Map<String, Integer> columns, List<String> values, Map<Integer, Integer> lengths,
           Problems problems, SharedValues shared) {
        this.source = source;
        this.columns = columns;
        this.values = shared.texts(values, columns.get(DefinitionsFile.Columns.ID));
        this.lengths = lengths;
        this.problems = problems;
        this.shared = shared;
        columns.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> checkLength(e.getKey()));
    }

    private void checkLength(String column) {
        int position = columns.get(column);
        String value = values.get(position);
        int max = DefinitionsFile.Columns.maxLength(column);
        Integer cut = lengths.get(position);
        if (cut == null && value.length() <= max) {
            return; // never more characters than UTF-16 units
        }
        int length = cut != null ? cut : value.codePointCount(0, value.length());
        if (length > max) {
            tooLong.add(column);
            problem(column, "expecting at most " + max + " characters (found " + Excerpt.quoted(value, length) + ")");
        }
    }

    boolean has(String column) {
        return columns.containsKey(column);
    }

    /** The stripped value, "" when the column is absent or its value too long. */
    String raw(String column) {
        Integer i = columns.get(column);
        return i == null || tooLong.contains(column) ? "" : values.get(i);
    }

    /** The parsed value, or null after recording the parser's message as a problem of this column. */
    <T> T parse(String column, Function<String, T> parser) {
        if (tooLong.contains(column)) {
            return null; // reported already
        }
        try {
            return parser.apply(raw(column));
        } catch (IllegalArgumentException e) {
            problem(column, Excerpt.bounded(String.valueOf(e.getMessage())));
            return null;
        }
    }

    void problem(String column, String message) {
        problems.add(new DefinitionProblem(source, column, message));
        failed = true;
    }
}
