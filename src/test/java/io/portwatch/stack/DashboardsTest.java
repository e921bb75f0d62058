package io.portwatch.stack;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the Grafana dashboards and provisioning files: importable shape (uid, title,
 * schemaVersion, variables, a data source on every panel) and PromQL that only uses the metrics
 * and labels portwatch serves. Every expression was also run once against Prometheus 2.42; that is
 * not repeated here because it needs a running Prometheus with data.
 */
class DashboardsTest {

    /**
     * The portwatch metric catalogue (docs/metrics.md metrics table): metric name to its labels. Prometheus
     * adds {@code job} and {@code instance}. To be replaced by what the exporter really serves.
     */
    static final Map<String, Set<String>> KNOWN_METRICS = Map.ofEntries(
            entry("portwatch_listening_port_health", Set.of("id", "protocol", "local_ip", "local_port", "process", "severity")),
            entry("portwatch_connection_health",
                    Set.of("id", "remote_ip", "remote_name", "remote_port", "local_port", "process", "severity")),
            entry("portwatch_row_reason_info", Set.of("kind", "id", "reason")),
            entry("portwatch_connection_sockets", Set.of("id", "state")),
            entry("portwatch_process_sockets", Set.of("process", "protocol", "state")),
            entry("portwatch_sockets", Set.of("protocol", "state")),
            entry("portwatch_unexpected_listener", Set.of("protocol", "local_ip", "local_port", "process")),
            entry("portwatch_unexpected_listeners", Set.of()),
            entry("portwatch_rows", Set.of("health")),
            entry("portwatch_scan_duration_seconds", Set.of()),
            entry("portwatch_last_scan_timestamp_seconds", Set.of()),
            entry("portwatch_scan_interval_seconds", Set.of()),
            entry("portwatch_scans_total", Set.of()),
            entry("portwatch_scan_failures_total", Set.of()),
            entry("portwatch_scan_overruns_total", Set.of()),
            entry("portwatch_results_stale", Set.of()),
            entry("portwatch_definitions", Set.of("kind")),
            entry("portwatch_rows_omitted", Set.of("kind")),
            entry("portwatch_config_errors", Set.of()),
            entry("portwatch_config_reloads_total", Set.of("result")),
            entry("portwatch_build_info", Set.of("version", "host")),
            entry("portwatch_listening_port_accept_queue", Set.of("id")),
            entry("portwatch_listening_port_backlog", Set.of("id")),
            entry("portwatch_listen_overflows_total", Set.of()),
            entry("portwatch_listen_drops_total", Set.of()),
            entry("portwatch_connection_send_queue_bytes", Set.of("id")),
            entry("portwatch_connection_receive_queue_bytes", Set.of("id")),
            entry("portwatch_connection_rtt_seconds", Set.of("id")),
            entry("portwatch_connection_sent_segments_total", Set.of("id")),
            entry("portwatch_connection_retransmitted_segments_total", Set.of("id")),
            entry("portwatch_connection_stalled_sockets", Set.of("id")),
            entry("portwatch_row_info", Set.of("id", "kind", "comment", "source")));

    /** Labels Prometheus adds to every scraped series. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    /** Series of Prometheus itself that the dashboards may use besides the catalogue. */
    static final Set<String> PROMETHEUS_METRICS = Set.of("up", "ALERTS");

    static final Pattern PORTWATCH_METRIC = Pattern.compile("portwatch_[a-z_]+");

    static final List<String> DASHBOARDS =
            List.of("grafana/dashboards/portwatch-overview.json", "grafana/dashboards/portwatch-host.json");

    private static final Map<String, Object> DATASOURCE = Map.of("type", "prometheus", "uid", "${datasource}");

    // ------------------------------------------------------------------ metrics and labels

    @Test
    void everyPortwatchMetricInTheDashboardsIsInTheCatalogue() {
        for (String file : DASHBOARDS) {
            Map<String, String> exprs = expressions(file);
            assertFalse(exprs.isEmpty(), file + " has no expressions");
            for (Map.Entry<String, String> e : exprs.entrySet()) {
                for (String metric : portwatchMetricsIn(e.getValue())) {
                    assertTrue(KNOWN_METRICS.containsKey(metric),
                            file + " " + e.getKey() + ": " + metric + " is not in the metric catalogue");
                }
            }
        }
    }

    @Test
    void dashboardsUseNoOtherMetricsThanTheCatalogueUpAndAlerts() {
        for (String file : DASHBOARDS) {
            expressions(file).forEach((where, expr) -> {
                Set<String> names = PromQl.metricNames(expr);
                assertFalse(names.isEmpty(), file + " " + where + ": no metric found in " + expr);
                for (String name : names) {
                    assertTrue(KNOWN_METRICS.containsKey(name) || PROMETHEUS_METRICS.contains(name),
                            file + " " + where + ": unknown metric " + name + " in " + expr);
                }
            });
        }
    }

    @Test
    void dashboardsMatchAndGroupOnlyOnLabelsTheMetricsHave() {
        for (String file : DASHBOARDS) {
            expressions(file).forEach((where, expr) -> assertLabelsExist(file + " " + where, expr));
        }
    }

    /** Shared with {@link AlertRulesTest}: every label an expression names exists on its metrics. */
    static void assertLabelsExist(String where, String expr) {
        Set<String> available = new HashSet<>(TARGET_LABELS);
        available.addAll(PromQl.labelsWritten(expr));
        boolean usesAlerts = false;
        for (Map.Entry<String, Set<String>> selector : PromQl.selectorLabels(expr).entrySet()) {
            String metric = selector.getKey();
            if (metric.equals("ALERTS")) {
                usesAlerts = true; // carries the labels of every alert: anything goes
                continue;
            }
            Set<String> known = new HashSet<>(TARGET_LABELS);
            if (KNOWN_METRICS.containsKey(metric)) {
                known.addAll(KNOWN_METRICS.get(metric));
            } else if (!metric.equals("up")) {
                fail(where + ": selector without a known metric name: " + metric + "{...} in " + expr);
            }
            available.addAll(known);
            for (String label : selector.getValue()) {
                assertTrue(known.contains(label), where + ": " + metric + " has no label " + label + " (" + expr + ")");
            }
        }
        for (String name : PromQl.metricNames(expr)) {
            available.addAll(KNOWN_METRICS.getOrDefault(name, Set.of()));
        }
        if (!usesAlerts) {
            for (String label : PromQl.groupingLabels(expr)) {
                assertTrue(available.contains(label), where + ": no metric here has label " + label + " (" + expr + ")");
            }
        }
    }

    @Test
    void everyVariableAnExpressionUsesIsDefined() {
        for (String file : DASHBOARDS) {
            Set<String> defined = new HashSet<>();
            for (Object v : variablesOf(dashboard(file))) {
                defined.add((String) Json.object(v, file).get("name"));
            }
            expressions(file).forEach((where, expr) -> {
                for (String name : PromQl.variables(expr)) {
                    assertTrue(defined.contains(name) || name.startsWith("__"),
                            file + " " + where + ": $" + name + " is not a variable of the dashboard");
                }
            });
        }
    }

    @Test
    void variablesTakeValuesFromALabelTheirMetricHas() {
        Pattern labelValues = Pattern.compile("label_values\\(([a-z_]+)(\\{[^}]*\\})?,\\s*([A-Za-z_][A-Za-z0-9_]*)\\)");
        for (String file : DASHBOARDS) {
            for (Object v : variablesOf(dashboard(file))) {
                Map<?, ?> var = Json.object(v, file);
                if (!"query".equals(var.get("type"))) {
                    continue;
                }
                String query = variableQuery(var, file);
                Matcher m = labelValues.matcher(query);
                assertTrue(m.matches(), file + ": variable " + var.get("name") + ": " + query);
                Set<String> labels = new HashSet<>(TARGET_LABELS);
                labels.addAll(KNOWN_METRICS.getOrDefault(m.group(1), Set.of()));
                assertTrue(labels.contains(m.group(3)),
                        file + ": variable " + var.get("name") + ": " + m.group(1) + " has no label " + m.group(3));
            }
        }
    }

    // ------------------------------------------------------------------ dashboard shape

    @Test
    void dashboardsHaveUidTitleAndACurrentSchemaVersion() {
        Set<String> uids = new HashSet<>();
        for (String file : DASHBOARDS) {
            Map<?, ?> d = dashboard(file);
            Object uid = d.get("uid");
            assertTrue(uid instanceof String s && s.matches("[A-Za-z0-9_-]{1,40}"), file + ": uid " + uid);
            assertTrue(uids.add((String) uid), file + ": uid " + uid + " used twice");
            assertTrue(d.get("title") instanceof String t && !t.isBlank(), file + ": title");
            assertTrue(d.get("schemaVersion") instanceof BigDecimal v && v.intValue() >= 39,
                    file + ": schemaVersion must be 39 or later, found " + d.get("schemaVersion"));
            assertTrue(d.containsKey("id") && d.get("id") == null, file + ": id must be null so that import creates it");
            assertNotNull(d.get("time"), file + ": time");
        }
    }

    @Test
    void dashboardsHaveTheDatasourceJobAndInstanceVariables() {
        for (String file : DASHBOARDS) {
            Map<String, Map<?, ?>> vars = new LinkedHashMap<>();
            for (Object v : variablesOf(dashboard(file))) {
                Map<?, ?> var = Json.object(v, file);
                vars.put((String) var.get("name"), var);
            }
            Map<?, ?> ds = vars.get("datasource");
            assertNotNull(ds, file + ": no datasource variable");
            assertEquals("datasource", ds.get("type"), file + ": datasource variable type");
            assertEquals("prometheus", ds.get("query"), file + ": datasource variable plugin");
            for (String name : List.of("job", "instance")) {
                Map<?, ?> var = vars.get(name);
                assertNotNull(var, file + ": no " + name + " variable");
                assertEquals("query", var.get("type"), file + ": " + name + " variable type");
                assertEquals(DATASOURCE, var.get("datasource"), file + ": " + name + " variable data source");
                String query = variableQuery(var, file);
                assertTrue(query.startsWith("label_values(") && query.endsWith(", " + name + ")"),
                        file + ": " + name + " variable should be label_values(..., " + name + "), is " + query);
            }
            assertEquals(List.of("datasource", "job", "instance"), new ArrayList<>(vars.keySet()).subList(0, 3),
                    file + ": variables datasource, job, instance come first, in that order (each depends on the one before)");
        }
    }

    @Test
    void everyPanelAndQueryUsesTheDatasourceVariable() {
        for (String file : DASHBOARDS) {
            for (Map<?, ?> panel : panels(file)) {
                String title = panelName(panel);
                assertEquals(DATASOURCE, panel.get("datasource"), file + " panel " + title + ": datasource");
                if ("row".equals(panel.get("type"))) {
                    continue;
                }
                List<?> targets = Json.array(panel.get("targets"), file + " panel " + title + " targets");
                assertFalse(targets.isEmpty(), file + " panel " + title + ": no queries");
                Set<Object> refIds = new HashSet<>();
                for (Object t : targets) {
                    Map<?, ?> target = Json.object(t, title);
                    assertEquals(DATASOURCE, target.get("datasource"), file + " panel " + title + ": query datasource");
                    assertTrue(refIds.add(target.get("refId")), file + " panel " + title + ": refId used twice");
                }
            }
        }
    }

    @Test
    void panelsHaveUniqueIdsAndDoNotOverlap() {
        for (String file : DASHBOARDS) {
            Set<Object> ids = new HashSet<>();
            Map<String, String> cells = new HashMap<>();
            for (Map<?, ?> panel : panels(file)) {
                String title = panelName(panel);
                assertTrue(ids.add(panel.get("id")), file + ": panel id " + panel.get("id") + " used twice");
                Map<?, ?> grid = Json.object(panel.get("gridPos"), file + " " + title + " gridPos");
                int x = ((BigDecimal) grid.get("x")).intValue();
                int y = ((BigDecimal) grid.get("y")).intValue();
                int w = ((BigDecimal) grid.get("w")).intValue();
                int h = ((BigDecimal) grid.get("h")).intValue();
                assertTrue(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0, file + " " + title + ": gridPos " + grid);
                for (int i = x; i < x + w; i++) {
                    for (int j = y; j < y + h; j++) {
                        String other = cells.put(i + "," + j, title);
                        assertTrue(other == null, file + ": panels " + other + " and " + title + " overlap");
                    }
                }
            }
        }
    }

    @Test
    void hostDashboardShowsEveryRowWithItsReasonAndHealthColours() {
        String file = "grafana/dashboards/portwatch-host.json";
        Map<?, ?> table = panelWhere(file, "table",
                exprs -> exprs.contains("portwatch_listening_port_health") && exprs.contains("portwatch_connection_health")
                        && exprs.contains("portwatch_row_reason_info"));
        assertTrue(hasHealthMapping(table.get("fieldConfig")), file + ": row table lacks the 0/1/2 colour mapping");
        Map<?, ?> timeline = panelWhere(file, "state-timeline",
                exprs -> exprs.contains("portwatch_listening_port_health") && exprs.contains("portwatch_connection_health"));
        assertTrue(hasHealthMapping(timeline.get("fieldConfig")), file + ": state timeline lacks the 0/1/2 colour mapping");
        for (String metric : List.of("portwatch_process_sockets", "portwatch_sockets", "portwatch_unexpected_listener",
                "portwatch_scan_duration_seconds", "portwatch_connection_sockets")) {
            panelWhere(file, null, exprs -> Pattern.compile("\\b" + metric + "\\b").matcher(exprs).find());
        }
    }

    @Test
    void overviewShowsWorstHealthPerHostCountsAndFiringRows() {
        String file = "grafana/dashboards/portwatch-overview.json";
        Map<?, ?> hosts = panelWhere(file, "table", exprs -> exprs.contains("max by (job, instance) (portwatch_listening_port_health"));
        assertTrue(hasHealthMapping(hosts.get("fieldConfig")), file + ": host table lacks the 0/1/2 colour mapping");
        for (String health : List.of("green", "yellow", "red")) {
            panelWhere(file, "stat", exprs -> exprs.contains("portwatch_rows{") && exprs.contains("health=\"" + health + "\""));
        }
        panelWhere(file, "table", exprs -> exprs.contains("portwatch_row_reason_info") && exprs.contains("> 0"));
        panelWhere(file, "table", exprs -> exprs.contains("ALERTS{alertstate=\"firing\""));
    }

    // ------------------------------------------------------------------ provisioning

    @Test
    void provisioningFilesDeclareAPrometheusDatasourceAndAFileProvider() {
        String datasources = Commands.read("grafana/provisioning/datasources/portwatch.yml");
        assertTrue(datasources.contains("apiVersion: 1"), "datasources: apiVersion: 1");
        assertTrue(datasources.matches("(?s).*\\n\\s+type: prometheus\\n.*"), "datasources: a prometheus data source");
        assertTrue(datasources.matches("(?s).*\\n\\s+url: http://127\\.0\\.0\\.1:9090\\n.*"), "datasources: url");

        String dashboards = Commands.read("grafana/provisioning/dashboards/portwatch.yml");
        assertTrue(dashboards.contains("apiVersion: 1"), "dashboards: apiVersion: 1");
        assertTrue(dashboards.matches("(?s).*\\n\\s+type: file\\n.*"), "dashboards: a file provider");
        assertTrue(dashboards.matches("(?s).*\\n\\s+path: /\\S+\\n.*"), "dashboards: an absolute path");
        assertFalse(datasources.contains("\t") || dashboards.contains("\t"), "YAML must not contain tabs");
    }

    // ------------------------------------------------------------------ helpers

    private static Map<?, ?> dashboard(String file) {
        try {
            return Json.object(Json.parse(Commands.read(file)), file);
        } catch (IllegalArgumentException e) {
            return fail(file + ": " + e.getMessage());
        }
    }

    private static List<?> variablesOf(Map<?, ?> dashboard) {
        return Json.array(Json.object(dashboard.get("templating"), "templating").get("list"), "templating.list");
    }

    /** All panels, including those inside collapsed rows. */
    private static List<Map<?, ?>> panels(String file) {
        List<Map<?, ?>> all = new ArrayList<>();
        for (Object p : Json.array(dashboard(file).get("panels"), file + " panels")) {
            Map<?, ?> panel = Json.object(p, file + " panel");
            all.add(panel);
            if (panel.get("panels") instanceof List<?> nested) {
                for (Object n : nested) {
                    all.add(Json.object(n, file + " nested panel"));
                }
            }
        }
        return all;
    }

    private static String panelName(Map<?, ?> panel) {
        return "\"" + panel.get("title") + "\" (id " + panel.get("id") + ")";
    }

    /** Every PromQL expression of a dashboard, keyed by where it is: panel queries and variable queries. */
    static Map<String, String> expressions(String file) {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (Map<?, ?> panel : panels(file)) {
            if (panel.get("targets") instanceof List<?> targets) {
                for (Object t : targets) {
                    Map<?, ?> target = Json.object(t, "target");
                    exprs.put("panel " + panelName(panel) + " query " + target.get("refId"),
                            Objects.requireNonNull((String) target.get("expr"), "expr of " + panelName(panel)));
                }
            }
        }
        Pattern labelValues = Pattern.compile("label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\)");
        for (Object v : variablesOf(dashboard(file))) {
            Map<?, ?> var = Json.object(v, "variable");
            if ("query".equals(var.get("type"))) {
                Matcher m = labelValues.matcher(variableQuery(var, file));
                assertTrue(m.matches(), file + ": variable " + var.get("name") + " is not label_values(selector, label)");
                exprs.put("variable " + var.get("name"), m.group(1));
            }
        }
        return exprs;
    }

    /**
     * The PromQL of a query variable: {@code query.query} (Grafana's Prometheus variable editor), or {@code query}
     * as a string. Not {@code definition}: Grafana writes it for display, but its published schema has no such field.
     */
    private static String variableQuery(Map<?, ?> var, String file) {
        Object query = var.get("query");
        Object q = query instanceof Map<?, ?> map ? map.get("query") : query;
        if (q instanceof String s && !s.isBlank()) {
            return s;
        }
        return fail(file + ": variable " + var.get("name") + ": no query (query.query or query), found " + query);
    }

    private static Map<?, ?> panelWhere(String file, String type, java.util.function.Predicate<String> exprs) {
        List<String> seen = new ArrayList<>();
        for (Map<?, ?> panel : panels(file)) {
            if (type != null && !type.equals(panel.get("type"))) {
                continue;
            }
            StringBuilder all = new StringBuilder();
            if (panel.get("targets") instanceof List<?> targets) {
                for (Object t : targets) {
                    all.append(Json.object(t, "target").get("expr")).append('\n');
                }
            }
            if (exprs.test(all.toString())) {
                return panel;
            }
            seen.add(panelName(panel));
        }
        return fail(file + ": no " + (type == null ? "" : type + " ") + "panel with the expected query among " + seen);
    }

    /** True when some value mapping under {@code node} maps 0/1/2 to GREEN/YELLOW/RED in green/yellow/red. */
    private static boolean hasHealthMapping(Object node) {
        if (node instanceof Map<?, ?> map) {
            if ("value".equals(map.get("type")) && map.get("options") instanceof Map<?, ?> options
                    && maps(options.get("0"), "GREEN", "green") && maps(options.get("1"), "YELLOW", "yellow")
                    && maps(options.get("2"), "RED", "red")) {
                return true;
            }
            return map.values().stream().anyMatch(DashboardsTest::hasHealthMapping);
        }
        if (node instanceof List<?> list) {
            return list.stream().anyMatch(DashboardsTest::hasHealthMapping);
        }
        return false;
    }

    private static boolean maps(Object option, String text, String color) {
        return option instanceof Map<?, ?> o && text.equals(o.get("text")) && color.equals(o.get("color"));
    }

    /** Every token matching {@link #PORTWATCH_METRIC} in {@code text}. */
    static Set<String> portwatchMetricsIn(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = PORTWATCH_METRIC.matcher(text);
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }
}
