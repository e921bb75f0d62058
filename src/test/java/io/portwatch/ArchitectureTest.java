package io.portwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The arrows of docs/design.md §6, read from the main sources: every {@code io.portwatch.<package>} a file names in
 * an import or in code (fully qualified), by the top-level package it is in.
 */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/io/portwatch");
    private static final Pattern NAMED = Pattern.compile("\\bio\\.portwatch\\.([a-z]+)\\b");
    private static final Set<String> EXPORTERS = Set.of("jmx", "jolokia", "prometheus", "history");
    private static final Set<String> ABOVE_THE_CORE = Set.of("jmx", "jolokia", "prometheus", "http", "history", "report",
            "learn", "cli", "agent");

    @Test
    void configScanHealthAndStateKnowNothingOfTheExportersCommandsOrAgent() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertTrue(!uses.get("health").contains("state"), "the evaluation knows nothing of the published state");
        for (String core : List.of("config", "scan", "health", "state")) {
            Set<String> wrong = new TreeSet<>(uses.get(core));
            wrong.retainAll(ABOVE_THE_CORE);
            assertEquals(Set.of(), wrong, core + " uses " + wrong + ": " + uses.get(core));
        }
    }

    @Test
    void exportersReadThePublishedStateNotEachOther() throws IOException {
        Map<String, Set<String>> uses = uses();
        for (String exporter : EXPORTERS) {
            Set<String> wrong = new TreeSet<>(uses.get(exporter));
            wrong.retainAll(EXPORTERS);
            assertEquals(Set.of(), wrong, exporter + " uses another exporter: " + wrong);
        }
    }

    @Test
    void sharedHelpersDependOnNoOtherPackageAndOnlyTheCommandLineStartsTheAgent() throws IOException {
        Map<String, Set<String>> uses = uses();
        assertEquals(Set.of(), uses.get("support"), "support");
        assertEquals(Set.of(), uses.get("text"), "text");
        uses.forEach((p, used) -> {
            assertTrue(!used.contains("cli"), p + " uses cli");
            assertTrue(!used.contains("agent") || p.equals("cli"), p + " uses agent");
        });
    }

    @Test
    void everyPackageIsInTheDesignsTable() throws IOException {
        String design = Files.readString(Path.of("docs/design.md"), StandardCharsets.UTF_8);
        for (String p : uses().keySet()) {
            assertTrue(design.contains("| `" + p + "` |"), "docs/design.md §6 has no row for package " + p);
        }
    }

    /** Top-level package → the other top-level packages its files name. */
    private static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(MAIN)) {
            walk.filter(f -> f.toString().endsWith(".java")).forEach(files::add);
        }
        assertTrue(files.size() > 100, "the main sources are found from the project directory: " + files.size());
        for (Path f : files) {
            String pkg = MAIN.relativize(f).getName(0).toString();
            Set<String> used = out.computeIfAbsent(pkg, k -> new TreeSet<>());
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String code = line.strip();
                if (code.startsWith("*") || code.startsWith("/*") || code.startsWith("//") || code.startsWith("package ")) {
                    continue;
                }
                Matcher m = NAMED.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        used.add(m.group(1));
                    }
                }
            }
        }
        return out;
    }
}
