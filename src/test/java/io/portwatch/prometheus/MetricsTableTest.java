package io.portwatch.prometheus;

import static io.portwatch.prometheus.Exposition.OPENMETRICS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.portwatch.health.ConnectionReason;
import io.portwatch.health.ListeningReason;
import io.portwatch.health.ReasonCode;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The documented metrics table is what the endpoint serves: names, types, units and label names. Labels after
 * {@code optional:} in a labels cell appear only when a row or a setting asks for them: absent by default, all
 * there in {@link States#inNamespaces()} with {@code pidLabel} and {@code netnsLabel}.
 */
class MetricsTableTest {

    /** The file holding the metrics table, relative to the project root. */
    static final String TABLE_FILE = "docs/metrics.md";

    private static final String HEADER = "| metric | type | unit | labels | meaning |";
    private static final String REASON_HEADER = "| kind | reason | health | when |";
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final String OPTIONAL = "optional:";

    /** One metric as documented or as served. */
    record Metric(String name, String type, String unit, Set<String> labels) {
    }

    @Test
    void theTableListsExactlyTheServedMetrics() throws IOException {
        Map<String, Metric> documented = table();
        Map<String, Metric> served;
        Map<String, TextFormat.Family> text;
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, States::scanned, false)) {
            served = served(TextFormat.parseOpenMetrics(Http.get(endpoint.port(), "/metrics", OPENMETRICS).body()));
            text = TextFormat.parseText(Http.get(endpoint.port(), "/metrics", null).body());
        }
        Set<Metric> undocumented = new TreeSet<>(Comparator.comparing(Metric::toString));
        undocumented.addAll(served.values());
        undocumented.removeAll(documented.values());
        Set<Metric> unserved = new TreeSet<>(Comparator.comparing(Metric::toString));
        unserved.addAll(documented.values());
        unserved.removeAll(served.values());
        assertTrue(undocumented.isEmpty() && unserved.isEmpty(), () -> TABLE_FILE + " differs from the endpoint."
                + "\n  served, not in the table: " + undocumented + "\n  in the table, not served: " + unserved);
        // the text format has no info type: it says gauge, under the same name
        for (Metric m : documented.values()) {
            TextFormat.Family f = text.get(m.name());
            assertTrue(f != null, () -> m.name() + " missing from the text format");
            assertEquals(m.type().equals("info") ? "gauge" : m.type(), f.type(), m.name());
        }
    }

    @Test
    void optionalLabelsAreServedWhenRowsAndSettingsAskForThem() throws IOException {
        Map<String, Set<String>> optional = optionalLabels();
        assertTrue(!optional.isEmpty(), () -> TABLE_FILE + " lists no optional label");
        Map<String, Metric> documented = table();
        Map<String, Metric> served;
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start("127.0.0.1", 0, States::inNamespaces,
                new ProcessLabels(true, true))) {
            served = served(TextFormat.parseOpenMetrics(Http.get(endpoint.port(), "/metrics", OPENMETRICS).body()));
        }
        for (String name : optional.keySet()) {
            assertTrue(served.containsKey(name), () -> name + " is not served by the state that asks for every label");
        }
        for (Metric m : served.values()) {
            Metric doc = documented.get(m.name());
            assertTrue(doc != null, () -> m.name() + " is not in " + TABLE_FILE);
            Set<String> all = new TreeSet<>(doc.labels());
            all.addAll(optional.getOrDefault(m.name(), Set.of()));
            assertEquals(all, m.labels(), () -> m.name() + ": the labels of " + TABLE_FILE + ", optional ones included");
        }
    }

    @Test
    void theReasonTableListsEveryFixedReasonWithItsHealth() throws IOException {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("basedir", "."), TABLE_FILE),
                StandardCharsets.UTF_8);
        int header = lines.indexOf(REASON_HEADER);
        assertTrue(header >= 0, () -> TABLE_FILE + " has no line " + REASON_HEADER);
        List<String> documented = new ArrayList<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            List<String> cells = cells(line);
            assertEquals(4, cells.size(), () -> "not 4 cells: " + line);
            documented.add(cells.get(0) + " | " + String.join("", code(cells.get(1))) + " | " + cells.get(2));
        }
        List<String> served = new ArrayList<>();
        for (ReasonCode c : ListeningReason.values()) {
            served.add("listening | " + c.label() + " | " + c.health());
        }
        for (ReasonCode c : ConnectionReason.values()) {
            served.add("connection | " + c.label() + " | " + c.health());
        }
        assertEquals(served, documented, "the reason table of " + TABLE_FILE + ", in the enums' order");
    }

    /** The metrics of the table in {@link #TABLE_FILE}, by name, with the labels every scrape has. */
    private static Map<String, Metric> table() throws IOException {
        Map<String, Metric> metrics = new TreeMap<>();
        for (List<String> cells : rows()) {
            String name = name(cells);
            String unit = cells.get(2).equals("—") ? "" : cells.get(2);
            String labels = cells.get(3);
            int optional = labels.indexOf(OPTIONAL);
            Metric m = new Metric(name, cells.get(1), unit,
                    new TreeSet<>(code(optional < 0 ? labels : labels.substring(0, optional))));
            assertTrue(metrics.put(name, m) == null, () -> name + " twice in the table");
        }
        return metrics;
    }

    /** The labels after {@code optional:} in the table, by metric name (metrics without any left out). */
    private static Map<String, Set<String>> optionalLabels() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        for (List<String> cells : rows()) {
            String labels = cells.get(3);
            int optional = labels.indexOf(OPTIONAL);
            if (optional >= 0) {
                out.put(name(cells), new TreeSet<>(code(labels.substring(optional))));
            }
        }
        return out;
    }

    /** The cells of each row of the metrics table. */
    private static List<List<String>> rows() throws IOException {
        Path file = Path.of(System.getProperty("basedir", "."), TABLE_FILE);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, () -> file + " has no line " + HEADER);
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            List<String> cells = cells(line);
            assertEquals(5, cells.size(), () -> "not 5 cells: " + line);
            rows.add(cells);
        }
        return rows;
    }

    private static String name(List<String> cells) {
        return code(cells.get(0)).stream().findFirst().orElseGet(() -> fail("no `metric` in " + cells));
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
        List<String> cells = new ArrayList<>();
        for (String cell : inner.split("\\|", -1)) {
            cells.add(cell.trim());
        }
        return cells;
    }

    private static List<String> code(String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** What an OpenMetrics scrape shows, named as the samples are (with {@code _total}, {@code _info}). */
    private static Map<String, Metric> served(Map<String, TextFormat.Family> families) {
        Map<String, Metric> metrics = new TreeMap<>();
        for (TextFormat.Family f : families.values()) {
            Set<String> sampleNames = f.samples().stream().map(TextFormat.Sample::name).collect(Collectors.toSet());
            assertEquals(1, sampleNames.size(), () -> f.name() + " has samples named " + sampleNames);
            Set<Set<String>> labelSets = f.samples().stream().map(s -> s.labels().keySet()).collect(Collectors.toSet());
            assertEquals(1, labelSets.size(), () -> f.name() + " has samples with label names " + labelSets);
            String name = sampleNames.iterator().next();
            metrics.put(name, new Metric(name, f.type(), f.unit() == null ? "" : f.unit(),
                    new TreeSet<>(labelSets.iterator().next())));
        }
        return metrics;
    }
}
