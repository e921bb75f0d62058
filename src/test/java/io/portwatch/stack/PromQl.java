package io.portwatch.stack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL reading to check which metrics and labels an expression uses: not a parser
 * (promtool and Prometheus check syntax), a scanner that strips string literals, ranges and
 * label lists and then finds the names that remain.
 */
final class PromQl {

    /** Grafana's own variables ($__rate_interval, $__interval, ...) all start with two underscores. */
    static final Pattern VARIABLE = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
    private static final Pattern LABEL_LIST =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern SELECTOR = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)?\\s*\\{([^}]*)\\}");
    private static final Pattern MATCHER = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.$])([A-Za-z_:][A-Za-z0-9_:]*)(\\s*\\()?");
    private static final Pattern LABEL_REPLACE = Pattern.compile("\\blabel_replace\\s*\\(");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan", "Inf", "NaN", "atan2");

    private PromQl() {
    }

    /** Metric names selected by {@code expr}: identifiers that are not functions, keywords or label names. */
    static Set<String> metricNames(String expr) {
        String s = strip(expr);
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        s = s.replaceAll("\\{[^}]*\\}", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            if (m.group(2) == null && !KEYWORDS.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        // `{__name__=...}` selectors have no name before the brace: none are used here, keep it that way
        return names;
    }

    /** Label names each selector of {@code expr} matches on, by metric name ("" for a bare {...}). */
    static Map<String, Set<String>> selectorLabels(String expr) {
        Map<String, Set<String>> result = new LinkedHashMap<>();
        Matcher m = SELECTOR.matcher(blankStrings(expr));
        while (m.find()) {
            String metric = m.group(1) == null ? "" : m.group(1);
            Set<String> labels = result.computeIfAbsent(metric, k -> new LinkedHashSet<>());
            Matcher lm = MATCHER.matcher(m.group(2));
            while (lm.find()) {
                labels.add(lm.group(1));
            }
        }
        return result;
    }

    /** Label names in by/without/on/ignoring/group_left/group_right lists. */
    static Set<String> groupingLabels(String expr) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = LABEL_LIST.matcher(blankStrings(expr));
        while (m.find()) {
            for (String label : m.group(2).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.trim());
                }
            }
        }
        return labels;
    }

    /** Labels that label_replace(...) calls in {@code expr} write. */
    static Set<String> labelsWritten(String expr) {
        Set<String> labels = new LinkedHashSet<>();
        Matcher m = LABEL_REPLACE.matcher(expr);
        while (m.find()) {
            List<String> args = arguments(expr, m.end());
            if (args.size() == 5 && args.get(1).length() >= 2 && args.get(1).startsWith("\"")) {
                labels.add(args.get(1).substring(1, args.get(1).length() - 1));
            }
        }
        return labels;
    }

    /** The top-level, comma-separated arguments of the call whose '(' ends just before {@code from}. */
    private static List<String> arguments(String expr, int from) {
        List<String> args = new ArrayList<>();
        int depth = 0;
        int start = from;
        char quote = 0;
        for (int i = from; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '"', '\'', '`' -> quote = c;
                case '(', '{', '[' -> depth++;
                case ')', '}', ']' -> {
                    if (depth == 0) {
                        args.add(expr.substring(start, i).trim());
                        return args;
                    }
                    depth--;
                }
                case ',' -> {
                    if (depth == 0) {
                        args.add(expr.substring(start, i).trim());
                        start = i + 1;
                    }
                }
                default -> {
                    // part of the current argument
                }
            }
        }
        return args;
    }

    /** Names of the $variables {@code expr} refers to. */
    static List<String> variables(String expr) {
        List<String> names = new ArrayList<>();
        Matcher m = VARIABLE.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String strip(String expr) {
        return RANGE.matcher(STRING.matcher(expr).replaceAll("\"\"")).replaceAll(" ");
    }

    private static String blankStrings(String expr) {
        return STRING.matcher(expr).replaceAll("\"\"");
    }
}
