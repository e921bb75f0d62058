package io.portwatch.prometheus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict little parser of the Prometheus text format (0.0.4) and of OpenMetrics 1.0 text, enough to
 * check what the endpoint serves: every line is a {@code # HELP}, {@code # TYPE}, {@code # UNIT}
 * (OpenMetrics), a sample of the family declared last, or the final {@code # EOF} (OpenMetrics).
 * Anything else throws {@link IllegalArgumentException} naming the line.
 */
final class TextFormat {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (\\w+)");
    private static final Pattern UNIT = Pattern.compile("# UNIT (" + NAME + ") (\\w*)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{.*})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Set<String> TEXT_TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static final Set<String> OPENMETRICS_TYPES =
            Set.of("counter", "gauge", "histogram", "gaugehistogram", "stateset", "info", "summary", "unknown");

    /** One sample line. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** A metric family: its {@code # TYPE} name and type, HELP, UNIT and samples. */
    record Family(String name, String type, String help, String unit, List<Sample> samples) {
    }

    private TextFormat() {
    }

    /** Parses the Prometheus text format. */
    static Map<String, Family> parseText(String body) {
        return parse(body, false);
    }

    /** Parses OpenMetrics text; it must end with {@code # EOF}. */
    static Map<String, Family> parseOpenMetrics(String body) {
        return parse(body, true);
    }

    private static Map<String, Family> parse(String body, boolean openMetrics) {
        if (!body.endsWith("\n")) {
            throw new IllegalArgumentException("the body does not end with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        Map<String, Family> families = new LinkedHashMap<>();
        String current = null;
        String help = null;
        String unit = null;
        String type = null;
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String where = "line " + (i + 1) + ": " + line;
            Matcher m;
            if (openMetrics && line.equals("# EOF")) {
                if (i != lines.length - 1) {
                    throw new IllegalArgumentException("# EOF before the end, " + where);
                }
                current = flush(families, current, type, help, unit, samples);
                return families;
            } else if ((m = HELP.matcher(line)).matches()) {
                if (!m.group(1).equals(current) || help != null || !samples.isEmpty()) {
                    current = flush(families, current, type, help, unit, samples);
                    current = m.group(1);
                    type = null;
                    unit = null;
                    samples = new ArrayList<>();
                }
                help = unescape(m.group(2), where);
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (!m.group(1).equals(current) || type != null || !samples.isEmpty()) {
                    current = flush(families, current, type, help, unit, samples);
                    current = m.group(1);
                    help = null;
                    unit = null;
                    samples = new ArrayList<>();
                }
                type = m.group(2);
                if (!(openMetrics ? OPENMETRICS_TYPES : TEXT_TYPES).contains(type)) {
                    throw new IllegalArgumentException("unknown type, " + where);
                }
            } else if (openMetrics && (m = UNIT.matcher(line)).matches()) {
                if (!m.group(1).equals(current) || !m.group(1).endsWith("_" + m.group(2))) {
                    throw new IllegalArgumentException("UNIT of another family, or name without the unit, " + where);
                }
                unit = m.group(2);
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                if (current == null || type == null) {
                    throw new IllegalArgumentException("sample before its # TYPE, " + where);
                }
                if (!m.group(1).equals(current + suffix(type, openMetrics))) {
                    throw new IllegalArgumentException("sample not of family " + current + " (" + type + "), " + where);
                }
                samples.add(new Sample(m.group(1), labels(m.group(2), where), value(m.group(3), where)));
            } else {
                throw new IllegalArgumentException("not a HELP, TYPE or sample line, " + where);
            }
        }
        if (openMetrics) {
            throw new IllegalArgumentException("OpenMetrics body does not end with # EOF");
        }
        flush(families, current, type, help, unit, samples);
        return families;
    }

    /** The suffix samples of a family of that type carry (counters and info only, as portwatch uses them). */
    private static String suffix(String type, boolean openMetrics) {
        if (!openMetrics) {
            return "";
        }
        switch (type) {
            case "counter": return "_total";
            case "info": return "_info";
            default: return "";
        }
    }

    private static String flush(Map<String, Family> families, String name, String type, String help, String unit,
                                List<Sample> samples) {
        if (name == null) {
            return null;
        }
        if (type == null) {
            throw new IllegalArgumentException("family " + name + " has no # TYPE");
        }
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("family " + name + " has no samples");
        }
        if (families.put(name, new Family(name, type, help, unit, List.copyOf(samples))) != null) {
            throw new IllegalArgumentException("family " + name + " appears twice");
        }
        return null;
    }

    private static Map<String, String> labels(String braces, String where) {
        Map<String, String> labels = new TreeMap<>();
        if (braces == null) {
            return labels;
        }
        String inner = braces.substring(1, braces.length() - 1);
        Matcher m = LABEL.matcher(inner);
        int at = 0;
        while (at < inner.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("bad label at column " + at + ", " + where);
            }
            if (labels.put(m.group(1), unescape(m.group(2), where)) != null) {
                throw new IllegalArgumentException("label " + m.group(1) + " twice, " + where);
            }
            at = m.end();
            if (at < inner.length()) {
                if (inner.charAt(at) != ',') {
                    throw new IllegalArgumentException("expecting , at column " + at + ", " + where);
                }
                at++;
            }
        }
        return labels;
    }

    private static double value(String text, String where) {
        switch (text) {
            case "+Inf": return Double.POSITIVE_INFINITY;
            case "-Inf": return Double.NEGATIVE_INFINITY;
            case "NaN": return Double.NaN;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value, " + where, e);
                }
        }
    }

    private static String unescape(String text, String where) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i == text.length()) {
                throw new IllegalArgumentException("dangling backslash, " + where);
            }
            char e = text.charAt(i);
            switch (e) {
                case '\\': out.append('\\'); break;
                case 'n': out.append('\n'); break;
                case '"': out.append('"'); break;
                default: throw new IllegalArgumentException("bad escape \\" + e + ", " + where);
            }
        }
        return out.toString();
    }
}
