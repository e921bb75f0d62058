package io.portwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards type-checked against Grafana's own published dashboard types ({@code @grafana/schema}, pinned in
 * {@code grafana/typecheck/package-lock.json}) with the TypeScript compiler: a missing required field, an unknown
 * field, a wrong type or an enum value Grafana does not know fails, naming the file, line, JSON path and mismatch.
 * String enums are taken as their JSON values ({@code "mode": "absolute"}). {@code bin/test} prepares the folder
 * ({@code npm ci --prefix grafana/typecheck}); the test itself needs no network.
 */
@Tag("grafana")
class GrafanaSchemaTest {

    private static final Path TYPECHECK = Commands.PROJECT_ROOT.resolve("grafana/typecheck");

    /** The smallest dashboard the schema accepts, with a panel whose thresholds use a string enum. */
    private static final String MINIMAL = """
            {
              "title": "minimal",
              "schemaVersion": 41,
              "panels": [
                {
                  "type": "timeseries",
                  "fieldConfig": {
                    "defaults": {
                      "color": { "mode": "thresholds" },
                      "thresholds": { "mode": "percentage", "steps": [ { "color": "green", "value": null } ] },
                      "mappings": [ { "type": "value", "options": { "0": { "text": "GREEN", "color": "green" } } } ]
                    },
                    "overrides": []
                  }
                }
              ]
            }
            """;

    @Test
    void everyDashboardMatchesGrafanasPublishedTypes() {
        List<String> command = new ArrayList<>(List.of(node(), script()));
        for (String dashboard : DashboardsTest.DASHBOARDS) {
            command.add(dashboard);
        }
        Commands.run(command).assertSuccess();
    }

    @Test
    void theCheckCoversEveryDashboardInTheFolder() throws IOException {
        try (var files = Files.list(Commands.PROJECT_ROOT.resolve("grafana/dashboards"))) {
            List<String> found = files.map(p -> "grafana/dashboards/" + p.getFileName())
                    .filter(p -> p.endsWith(".json")).sorted().toList();
            assertEquals(found, DashboardsTest.DASHBOARDS.stream().sorted().toList(),
                    "DashboardsTest.DASHBOARDS must list every dashboard of grafana/dashboards");
        }
    }

    @Test
    void stringEnumsAreAcceptedAsTheirJsonValues(@TempDir Path dir) throws IOException {
        check(write(dir, "minimal.json", MINIMAL)).assertSuccess();
    }

    @Test
    void aMissingRequiredFieldFailsNamingTheDashboardLineJsonPathAndField(@TempDir Path dir) throws IOException {
        String link = """
                  "links": [ { "asDropdown": false, "icon": "external link", "includeVars": true, "keepTime": true,
                               "tags": [], "targetBlank": false, "title": "portwatch", "type": "dashboards" } ],
                """;
        Path file = write(dir, "no-tooltip.json", MINIMAL.replace("  \"schemaVersion\": 41,\n", "  \"schemaVersion\": 41,\n" + link));
        assertFails(check(file), file + ":4:14: links[0]: Property 'tooltip' is missing");
    }

    @Test
    void anEmptyCurrentValueOfAVariableFails(@TempDir Path dir) throws IOException {
        String templating = """
                  "templating": { "list": [ { "name": "job", "type": "query", "current": {} } ] },
                """;
        Path file = write(dir, "empty-current.json", MINIMAL.replace("  \"schemaVersion\": 41,\n",
                "  \"schemaVersion\": 41,\n" + templating));
        assertFails(check(file), file + ":4:63: templating.list[0].current: ");
        assertFails(check(file), "text, value");
    }

    @Test
    void anEnumValueGrafanaDoesNotKnowFails(@TempDir Path dir) throws IOException {
        Path file = write(dir, "bad-enum.json", MINIMAL.replace("\"percentage\"", "\"percent\""));
        assertFails(check(file), file + ":10:27: panels[0].fieldConfig.defaults.thresholds.mode: Type '\"percent\"'"
                + " is not assignable to type '\"absolute\" | \"percentage\"'");
    }

    @Test
    void anUnknownFieldFails(@TempDir Path dir) throws IOException {
        Path file = write(dir, "unknown-field.json", MINIMAL.replace("\"title\": \"minimal\",", "\"title\": \"minimal\", \"refreshh\": \"5s\","));
        assertFails(check(file), file + ":2:23: refreshh: Object literal may only specify known properties");
    }

    @Test
    void aWrongTypeFails(@TempDir Path dir) throws IOException {
        Path file = write(dir, "wrong-type.json", MINIMAL.replace("\"schemaVersion\": 41", "\"schemaVersion\": \"41\""));
        assertFails(check(file), file + ":3:3: schemaVersion: Type 'string' is not assignable to type 'number'");
    }

    @Test
    void aFileThatIsNotJsonFailsNamingIt(@TempDir Path dir) throws IOException {
        Path file = write(dir, "broken.json", MINIMAL.replace("\"overrides\": []", "\"overrides\": ["));
        assertFails(check(file), file + ": not JSON: ");
    }

    // ------------------------------------------------------------------ helpers

    private static Commands.Result check(Path dashboard) {
        return Commands.run(List.of(node(), script(), dashboard.toString()));
    }

    private static void assertFails(Commands.Result result, String expected) {
        assertEquals(1, result.exitCode(), () -> "expected a mismatch, got exit " + result.exitCode() + ":\n" + result.output());
        assertTrue(result.output().contains(expected), () -> "expected \"" + expected + "\" in:\n" + result.output());
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    private static String node() {
        return Commands.require("node", "nodejs").toString();
    }

    private static String script() {
        if (!Files.isRegularFile(TYPECHECK.resolve("node_modules/@grafana/schema/package.json"))
                || !Files.isRegularFile(TYPECHECK.resolve("node_modules/typescript/package.json"))) {
            fail(TYPECHECK + " is not prepared: run `npm ci --prefix grafana/typecheck` first (bin/test does;"
                    + " it installs the versions pinned in grafana/typecheck/package-lock.json)");
        }
        return TYPECHECK.resolve("check.mjs").toString();
    }
}
