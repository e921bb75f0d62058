package io.portwatch.jolokia;

import org.jolokia.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shaded {@code target/portwatch.jar} (system property {@code portwatch.jar}) serves Jolokia
 * from its relocated copy ({@code io.portwatch.shaded.jolokia}): Jolokia's service lists, which
 * shade copies without rewriting, must name the relocated classes.
 */
class ShadedJolokiaIT {

    /** Where the pom's shade relocation moves Jolokia's {@code META-INF/jolokia/} service lists. */
    private static final String LISTS = "META-INF/services/io.portwatch.shaded.jolokia/";

    @Test
    void relocatedJolokiaServesFromTheShadedJar() throws Exception {
        Path jar = shadedJar();
        Path testClasses = Path.of(ShadedJolokiaIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", jar + File.pathSeparator + testClasses,
                ShadedJolokiaMain.class.getName()).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try {
            URI url = awaitUrl(child, output);
            assertTrue(output.contains("JOLOKIA io.portwatch.shaded.jolokia.server.core.Version"), String.join("\n", output));
            JolokiaClient client = new JolokiaClient(url);

            JolokiaClient.Response health = client.get("read/portwatch:type=ListeningPort,name=test/Health");
            assertEquals(200, health.status(), health.body());
            assertEquals(2, ((Number) health.value()).intValue());

            JolokiaClient.Response version = client.get("version");
            assertEquals("2.6.0", ((JSONObject) version.value()).get("agent"), version.body());

            JolokiaClient.Response list = client.get("list");
            assertEquals(Set.of("portwatch", "java.lang"), ((Map<?, ?>) list.value()).keySet(), list.body());

            JolokiaClient.Response heap = client.get("read/java.lang:type=Memory/HeapMemoryUsage");
            assertEquals(200, heap.status(), heap.body());

            JolokiaClient.Response scan = client.get("exec/portwatch:type=Agent/scanNow");
            assertEquals(200, scan.status(), scan.body());
            assertEquals(403, client.get("exec/portwatch:type=Agent/shutdown").status());
            assertEquals(403, client.get("exec/com.sun.management:type=HotSpotDiagnostic/gcClassHistogram/true").status());
            assertEquals(403, client.get("read/java.util.logging:type=Logging").status());
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        assertEquals(0, child.exitValue(), String.join("\n", output));
    }

    @Test
    void shadedJarHoldsNoUnrelocatedJolokiaAndItsServiceListsNameRelocatedClasses() throws Exception {
        try (JarFile jar = new JarFile(shadedJar().toFile())) {
            Set<String> entries = new TreeSet<>();
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                entries.add(e.nextElement().getName());
            }
            assertFalse(entries.stream().anyMatch(n -> n.startsWith("org/jolokia/") || n.startsWith("org/json/simple/")),
                    "unrelocated Jolokia classes in the jar");
            assertFalse(entries.stream().anyMatch(n -> n.startsWith("META-INF/jolokia/")),
                    "Jolokia service lists at their original path, where an application's own Jolokia would read them");

            List<String> lists = entries.stream()
                    .filter(n -> n.startsWith(LISTS) && !n.endsWith("/")).toList();
            assertEquals(List.of(LISTS + "command-handlers", LISTS + "services-default", LISTS + "simplifiers-default"), lists);
            int classes = 0;
            for (String list : lists) {
                for (String line : lines(jar, list)) {
                    String className = line.split(",")[0].trim();
                    if (className.isEmpty() || className.startsWith("#")) {
                        continue;
                    }
                    assertTrue(className.startsWith("io.portwatch.shaded.jolokia."), list + ": " + line);
                    assertTrue(entries.contains(className.replace('.', '/') + ".class"), list + ": no class " + className);
                    classes++;
                }
            }
            assertTrue(classes >= 15, "only " + classes + " services listed");
            for (String name : List.of("ExecHandler", "ReadHandler", "ListHandler", "SearchHandler")) {
                assertTrue(lines(jar, LISTS + "command-handlers").stream().anyMatch(l -> l.endsWith("." + name)),
                        name + " missing from command-handlers");
            }
        }
    }

    private static Path shadedJar() {
        String property = System.getProperty("portwatch.jar");
        if (property == null) {
            fail("system property portwatch.jar is not set (run through failsafe after package)");
        }
        Path jar = Path.of(property);
        assertTrue(Files.isRegularFile(jar), jar + " does not exist");
        return jar;
    }

    private static List<String> lines(JarFile jar, String name) throws IOException {
        try (InputStream in = jar.getInputStream(jar.getEntry(name))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    private static URI awaitUrl(Process child, List<String> output) throws Exception {
        CompletableFuture<URI> url = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.startsWith("URL ")) {
                        return URI.create(line.substring(4).trim());
                    }
                }
                return null;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            URI result = url.get(60, TimeUnit.SECONDS);
            if (result == null) {
                child.waitFor(10, TimeUnit.SECONDS);
                fail("child ended without a URL:\n" + String.join("\n", output));
            }
            return result;
        } catch (TimeoutException e) {
            synchronized (output) {
                return fail("no URL from the child within 60 s:\n" + String.join("\n", output));
            }
        }
    }
}
