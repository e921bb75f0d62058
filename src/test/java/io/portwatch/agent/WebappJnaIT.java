package io.portwatch.agent;

import com.sun.tools.attach.VirtualMachine;
import io.portwatch.agent.tomcat.TomcatHostMain;
import io.portwatch.agent.tomcat.webapp.JnaServlet;
import io.portwatch.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JNA in a web application's own class loader (Tomcat's, parent-last for {@code WEB-INF/lib}) while the agent brings
 * its own on the system class path: the web application's JNA calls work before and after the agent attaches, and
 * the agent reads netlink through its JNA or falls back to {@code /proc} in one line. Tomcat (embedded, the version
 * of the pom) and JNA 5.11.0 are copied into {@code target/} by the build.
 */
class WebappJnaIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String OLDER_JNA = "5.11.0";

    @TempDir
    Path dir;

    @Test
    void aWebApplicationsOwnJnaWorksBeforeAndAfterTheAgentAndTheAgentReadsNetlinkOrFallsBackInOneLine()
            throws Exception {
        Path webapp = webapp();
        Path stderr = dir.resolve("err.txt");
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", hostClassPath(),
                TomcatHostMain.class.getName(), webapp.toString(), dir.resolve("work").toString());
        Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        OutputStream in = process.getOutputStream();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("READY "), ready + "\n" + Files.readString(stderr));
            String pid = ready.split(" ")[1];
            URI servlet = URI.create("http://127.0.0.1:" + ready.split(" ")[2] + "/app/jna");

            String before = get(servlet);
            assertEquals("jna=" + pid + " loader=ParallelWebappClassLoader from=jna-" + OLDER_JNA + ".jar", before,
                    "the web application's own JNA, before the agent");

            VirtualMachine vm = VirtualMachine.attach(pid);
            try {
                vm.loadAgent(ChildJvm.jar().toString(), "interval=1,definitions=" + definitions()
                        + ",jolokia.enabled=false,prometheus.enabled=false,namespaces=own");
            } finally {
                vm.detach();
            }
            String[] state = {""};
            Poll.until(WAIT, () -> "the agent never scanned: " + state[0] + "\n" + read(stderr), () -> {
                in.write('\n');
                in.flush();
                state[0] = out.readLine();
                return state[0] != null && state[0].matches("STATE reader=\\w+ scans=[1-9][0-9]*");
            });
            assertEquals(before, get(servlet), "the web application's own JNA, after the agent");

            String reader = state[0].split(" ")[1].substring("reader=".length());
            in.close();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "Tomcat did not end");
            String err = read(stderr);
            List<String> netlinkLines = err.lines().filter(l -> l.contains("netlink") && !l.contains(" started in pid "))
                    .collect(Collectors.toList());
            if (reader.equals("proc")) {
                assertEquals(1, netlinkLines.size(), "a fallback is one line: " + err);
            } else {
                assertEquals("netlink", reader, state[0]);
                assertEquals(List.of(), netlinkLines, err);
            }
        } finally {
            in.close();
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Listening and connection definitions with nothing in them but their headers. */
    private Path definitions() throws IOException {
        Path defs = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"), "ipProtocol,localIP,localPort,procName,comment\n");
        Files.writeString(defs.resolve("monitoredTcpConnects.csv"), "remoteIP,remoteName,remotePort,procName,comment\n");
        return defs;
    }

    /** {@code WEB-INF/classes} with the servlet, {@code WEB-INF/lib} with the older JNA. */
    private Path webapp() throws IOException {
        Path webapp = dir.resolve("webapp");
        Path classes = testClasses();
        String servletDir = JnaServlet.class.getPackageName().replace('.', '/');
        Path target = Files.createDirectories(webapp.resolve("WEB-INF/classes").resolve(servletDir));
        try (Stream<Path> files = Files.list(classes.resolve(servletDir))) {
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        Path lib = Files.createDirectories(webapp.resolve("WEB-INF/lib"));
        Files.copy(targetDir().resolve("jna").resolve("jna-" + OLDER_JNA + ".jar"), lib.resolve("jna-" + OLDER_JNA + ".jar"));
        return webapp;
    }

    /** Tomcat's jars and a directory with {@link TomcatHostMain} alone: no JNA, no portwatch. */
    private String hostClassPath() throws IOException {
        String mainDir = TomcatHostMain.class.getPackageName().replace('.', '/');
        Path hostClasses = Files.createDirectories(dir.resolve("host-classes").resolve(mainDir));
        Files.copy(testClasses().resolve(mainDir).resolve("TomcatHostMain.class"), hostClasses.resolve("TomcatHostMain.class"));
        List<String> entries = new ArrayList<>(List.of(dir.resolve("host-classes").toString()));
        try (Stream<Path> jars = Files.list(targetDir().resolve("tomcat"))) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> entries.add(j.toString()));
        }
        assertTrue(entries.size() >= 3, "Tomcat's jars in target/tomcat: " + entries);
        return String.join(File.pathSeparator, entries);
    }

    private static Path testClasses() {
        return targetDir().resolve("test-classes");
    }

    private static Path targetDir() {
        return ChildJvm.jar().getParent();
    }
}
