package io.portwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus and Alertmanager files, checked by the tools that will load them: promtool
 * (Debian package prometheus) and amtool (prometheus-alertmanager). A missing tool fails the
 * test, it does not skip it: bin/test installs both.
 */
class AlertRulesTest {

    static final String RULES = "config/prometheus/portwatch-alerts.yml";
    static final String RULE_TESTS = "config/prometheus/portwatch-alerts.test.yml";
    static final String PROMETHEUS = "config/prometheus/prometheus.yml";
    static final String ALERTMANAGER = "config/alertmanager/alertmanager.yml";

    /** The alerts portwatch ships; the README, Alertmanager routes and the e2e test use these names. */
    static final Set<String> ALERTS = Set.of(
            "PortwatchListeningPortDown", "PortwatchConnectionDown",
            "PortwatchListeningPortDegraded", "PortwatchConnectionDegraded",
            "PortwatchUnexpectedListener",
            "PortwatchTargetDown", "PortwatchScanStale", "PortwatchScansFailing", "PortwatchDefinitionsInvalid",
            "PortwatchRowsOmitted",
            "PortwatchCloseWaitLeak", "PortwatchListenerNotAccepting", "PortwatchListenOverflows",
            "PortwatchConnectionQuality");

    private static final Pattern ALERT = Pattern.compile("(?m)^\\s+- alert: (\\S+)$");

    // ------------------------------------------------------------------ the tools

    @Test
    @Tag("promtool")
    void alertRulesPassPromtoolCheck() {
        Commands.run(List.of(promtool(), "check", "rules", RULES)).assertSuccess();
    }

    @Test
    @Tag("promtool")
    void alertRuleUnitTestsPass() {
        Commands.run(List.of(promtool(), "test", "rules", RULE_TESTS)).assertSuccess();
    }

    @Test
    @Tag("promtool")
    void prometheusConfigPassesPromtoolCheckWithItsRuleFilesAndTargets() {
        Commands.Result result = Commands.run(List.of(promtool(), "check", "config", PROMETHEUS));
        result.assertSuccess();
        assertTrue(result.output().contains("SUCCESS: 1 rule files found"),
                "prometheus.yml should load exactly the portwatch rules:\n" + result.output());
    }

    @Test
    @Tag("alertmanager")
    void alertmanagerConfigPassesAmtoolCheck() {
        Commands.run(List.of(amtool(), "check-config", ALERTMANAGER)).assertSuccess();
    }

    @Test
    @Tag("alertmanager")
    void criticalAndWarningAlertsGoToDifferentReceivers() {
        for (String[] route : new String[][] {{"critical", "portwatch-critical"}, {"warning", "portwatch-warning"}}) {
            Commands.run(List.of(amtool(), "config", "routes", "test", "--config.file=" + ALERTMANAGER,
                    "--verify.receivers=" + route[1], "alertname=PortwatchListeningPortDown", "severity=" + route[0],
                    "instance=web01:9798", "job=portwatch-fleet", "id=ssh")).assertSuccess();
        }
    }

    // ------------------------------------------------------------------ the files themselves

    @Test
    void shippedAlertsAreExactlyTheDocumentedOnes() {
        assertEquals(new TreeSet<>(ALERTS), new TreeSet<>(alertNames(Commands.read(RULES))));
    }

    @Test
    void everyRuleHasSeverityForWindowAndTheThreeAnnotations() {
        for (Map.Entry<String, String> rule : rules().entrySet()) {
            String name = rule.getKey();
            String body = rule.getValue();
            assertTrue(body.matches("(?s).*\\n\\s+severity: \\S.*"), name + ": no severity label");
            for (String annotation : List.of("summary", "description", "runbook")) {
                assertTrue(body.matches("(?s).*\\n\\s+" + annotation + ": .*"), name + ": no " + annotation + " annotation");
            }
            // one `for: <duration>` line per rule: the e2e test rewrites these to shorten them
            Matcher forLine = Pattern.compile("(?m)^\\s+for: (\\S+)$").matcher(body);
            assertTrue(forLine.find(), name + ": no for: window");
            assertTrue(forLine.group(1).matches("\\d+[smh]"), name + ": for: " + forLine.group(1));
            assertFalse(forLine.find(), name + ": more than one for: line");
        }
    }

    @Test
    void rowDownAlertsTakeSeverityFromTheRowAndDegradedAreWarnings() {
        Map<String, String> rules = rules();
        String fromRow = "severity: '{{ if $labels.severity }}{{ $labels.severity }}{{ else }}critical{{ end }}'";
        for (String name : List.of("PortwatchListeningPortDown", "PortwatchConnectionDown")) {
            assertTrue(rules.get(name).contains(fromRow), name + " should take severity from the row");
            assertTrue(rules.get(name).contains("\n        for: 1m\n"), name + " should fire after 1m");
        }
        for (String name : List.of("PortwatchListeningPortDegraded", "PortwatchConnectionDegraded")) {
            assertTrue(rules.get(name).contains("severity: warning"), name + " should be a warning");
            assertTrue(rules.get(name).contains("\n        for: 10m\n"), name + " should fire after 10m");
        }
    }

    @Test
    void rowAlertsKeepTheLabelsRoutingAndInhibitionNeed() {
        // Row alerts come straight from the health series (no aggregation), so id, instance, job
        // and the row's labels survive; an aggregation here would drop them.
        Map<String, String> rules = rules();
        for (String name : List.of("PortwatchListeningPortDown", "PortwatchConnectionDown",
                "PortwatchListeningPortDegraded", "PortwatchConnectionDegraded")) {
            String expr = exprOf(name, rules.get(name));
            assertTrue(expr.matches("portwatch_(listening_port|connection)_health == [12]( unless on \\(job, instance, id\\)"
                    + " portwatch_row_reason_info\\{[^}]*\\})?"), name + ": " + expr);
        }
        // "not accepting" is a YELLOW of its own: the health series filtered by the reason, its labels kept
        assertEquals("portwatch_listening_port_health == 1 and on (job, instance, id)"
                + " portwatch_row_reason_info{kind=\"listening\",reason=\"not accepting\"}",
                exprOf("PortwatchListenerNotAccepting", rules.get("PortwatchListenerNotAccepting")));
        // "stalled" and "retransmitting" are a YELLOW of their own, after 5m; the degraded alert leaves them to it
        assertEquals("portwatch_connection_health == 1 and on (job, instance, id)"
                + " portwatch_row_reason_info{kind=\"connection\",reason=~\"stalled|retransmitting\"}",
                exprOf("PortwatchConnectionQuality", rules.get("PortwatchConnectionQuality")));
        assertEquals("portwatch_connection_health == 1 unless on (job, instance, id)"
                + " portwatch_row_reason_info{kind=\"connection\",reason=~\"stalled|retransmitting\"}",
                exprOf("PortwatchConnectionDegraded", rules.get("PortwatchConnectionDegraded")));
        String alertmanager = Commands.read(ALERTMANAGER);
        assertTrue(alertmanager.contains("source_matchers: ['alertname=\"PortwatchTargetDown\"']")
                && alertmanager.contains("equal: ['instance']"), "inhibition of a host's alerts while its target is down");
    }

    @Test
    void everyRuleIsUnitTestedFiringAndNotFiring() {
        String tests = Commands.read(RULE_TESTS);
        Matcher m = Pattern.compile("(?m)^\\s+alertname: (\\S+)\\n\\s+exp_alerts:(.*)$").matcher(tests);
        Set<String> firing = new TreeSet<>();
        Set<String> notFiring = new TreeSet<>();
        while (m.find()) {
            (m.group(2).trim().equals("[]") ? notFiring : firing).add(m.group(1));
        }
        assertEquals(new TreeSet<>(ALERTS), firing, "rules tested firing");
        assertEquals(new TreeSet<>(ALERTS), notFiring, "rules tested not firing");
        assertTrue(tests.contains("severity: warning") && tests.contains("severity=\"warning\"}'"),
                "a severity=\"warning\" row must be tested");
        assertTrue(tests.contains("no reason published"), "the missing-reason fallback must be tested");
    }

    @Test
    void alertRulesUseOnlyCatalogueMetricsAndLabels() {
        String text = Commands.read(RULES);
        for (String metric : DashboardsTest.portwatchMetricsIn(text)) {
            assertTrue(DashboardsTest.KNOWN_METRICS.containsKey(metric), RULES + ": " + metric + " is not in the catalogue");
        }
        rules().forEach((name, body) -> {
            String expr = exprOf(name, body);
            for (String metric : PromQl.metricNames(expr)) {
                assertTrue(DashboardsTest.KNOWN_METRICS.containsKey(metric) || metric.equals("up"),
                        name + ": unknown metric " + metric);
            }
            DashboardsTest.assertLabelsExist(name, expr);
        });
    }

    @Test
    void targetDownRuleMatchesEveryShippedScrapeJob() {
        String expr = exprOf("PortwatchTargetDown", rules().get("PortwatchTargetDown"));
        Matcher selector = Pattern.compile("up\\{job=~\"([^\"]+)\"\\} == 0").matcher(expr);
        assertTrue(selector.matches(), "PortwatchTargetDown: " + expr);
        Matcher job = Pattern.compile("(?m)^\\s+- job_name: (\\S+)$").matcher(Commands.read(PROMETHEUS));
        List<String> jobs = new ArrayList<>();
        while (job.find()) {
            jobs.add(job.group(1));
            assertTrue(job.group(1).matches(selector.group(1)),
                    "job " + job.group(1) + " is not matched by PortwatchTargetDown's job=~\"" + selector.group(1) + "\"");
        }
        assertEquals(List.of("portwatch", "portwatch-fleet"), jobs);
    }

    // ------------------------------------------------------------------ helpers

    private static String promtool() {
        return Commands.require("promtool", "prometheus").toString();
    }

    private static String amtool() {
        return Commands.require("amtool", "prometheus-alertmanager").toString();
    }

    private static List<String> alertNames(String rulesText) {
        List<String> names = new ArrayList<>();
        Matcher m = ALERT.matcher(rulesText);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Alert name to the text of its rule, in file order. */
    private static Map<String, String> rules() {
        String text = Commands.read(RULES);
        Map<String, String> rules = new LinkedHashMap<>();
        Matcher m = ALERT.matcher(text);
        List<int[]> spans = new ArrayList<>();
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
            spans.add(new int[] {m.start(), 0});
        }
        for (int i = 0; i < spans.size(); i++) {
            int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : text.length();
            rules.put(names.get(i), text.substring(spans.get(i)[0], end));
        }
        return rules;
    }

    private static String exprOf(String name, String rule) {
        Matcher m = Pattern.compile("(?m)^\\s+expr: (.+)$").matcher(rule);
        assertTrue(m.find(), name + ": no single-line expr");
        return m.group(1).trim();
    }
}
