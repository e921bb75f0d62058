package io.portwatch.cli;

import io.portwatch.testing.Poll;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * hawtio 4 (the {@code io.hawt:hawtio-war} console, in an embedded Tomcat on loopback) reads a running portwatch
 * daemon through its server-side proxy, as its Connect page does (docs/consoles.md): with the credentials hawtio's
 * login page sends ({@code X-Jolokia-Authorization}) it reads {@code portwatch:type=Agent}; without them portwatch
 * answers 401; the {@code SystemProperties} read behind hawtio's System properties page is refused (403) by the
 * Jolokia policy.
 */
class HawtioProxyIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String USER = "ops";
    private static final String PASSWORD = "hawtio-test-secret";

    @TempDir
    Path dir;

    @Test
    void hawtioProxyReadsTheAgentWithTheUsersCredentialsAndIsRefusedTheSystemProperties() throws Exception {
        Path log = dir.resolve("daemon.log");
        ProcessBuilder builder = new ProcessBuilder(JarProcess.java(), "-jar", JarProcess.jar().toString(), "run",
                "--definitions=" + Path.of(System.getProperty("basedir", "."), "config"),
                "--prometheus.enabled=false", "--jolokia.port=0", "--jolokia.user=" + USER)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("PORTWATCH_JOLOKIA_PASSWORD", PASSWORD));
        Process daemon = builder.start();
        Tomcat hawtio = null;
        String authenticationEnabled = System.setProperty("hawtio.authenticationEnabled", "false");
        try {
            int jolokiaPort = jolokiaPort(log);
            hawtio = startHawtio(dir.resolve("tomcat"));
            String proxy = "http://127.0.0.1:" + hawtio.getConnector().getLocalPort()
                    + "/hawtio/proxy/http/127.0.0.1/" + jolokiaPort + "/jolokia";
            String login = "Basic " + Base64.getEncoder()
                    .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));

            HttpResponse<String> agent = get(proxy + "/read/portwatch:type=Agent/Version", login);
            assertEquals(200, agent.statusCode(), agent.body());
            assertTrue(agent.body().matches("(?s).*\"value\":\"[^\"]+\".*\"status\":200.*"), agent.body());

            HttpResponse<String> anonymous = get(proxy + "/read/portwatch:type=Agent/Version", null);
            assertEquals(401, anonymous.statusCode(), anonymous.body());

            HttpResponse<String> properties = get(proxy + "/read/java.lang:type=Runtime/SystemProperties", login);
            assertEquals(200, properties.statusCode(), properties.body());
            assertTrue(properties.body().contains("\"status\":403"), properties.body());
            assertTrue(!properties.body().contains("java.version"), properties.body());
        } finally {
            if (hawtio != null) {
                stop(hawtio);
            }
            if (authenticationEnabled == null) {
                System.clearProperty("hawtio.authenticationEnabled");
            } else {
                System.setProperty("hawtio.authenticationEnabled", authenticationEnabled);
            }
            daemon.destroy();
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
            }
        }
    }

    /** hawtio's war at {@code /hawtio} in a Tomcat on 127.0.0.1, on a free port. */
    private static Tomcat startHawtio(Path base) throws IOException, LifecycleException {
        Path war = Path.of(System.getProperty("hawtio.war", ""));
        if (!Files.isRegularFile(war)) {
            throw new IllegalStateException("hawtio.war=" + war + " is missing: run the integration tests with mvn verify");
        }
        Files.createDirectories(base.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.getConnector().setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("/hawtio", war.toAbsolutePath().toString());
        Tomcat.addDefaultMimeTypeMappings(context);
        Wrapper files = Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        files.setLoadOnStartup(1);
        context.addServletMappingDecoded("/", "default");
        tomcat.start();
        return tomcat;
    }

    private static void stop(Tomcat tomcat) throws LifecycleException {
        tomcat.stop();
        tomcat.destroy();
    }

    private static HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("X-Jolokia-Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The port the daemon's start line names for Jolokia. */
    private static int jolokiaPort(Path log) throws Exception {
        Pattern url = Pattern.compile("jolokia http://127\\.0\\.0\\.1:(\\d+)/jolokia/");
        Poll.until(DEADLINE, () -> "no start line naming Jolokia's URL:\n" + read(log),
                () -> url.matcher(read(log)).find());
        Matcher m = url.matcher(read(log));
        if (!m.find()) {
            throw new AssertionError(read(log));
        }
        return Integer.parseInt(m.group(1));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException notYet) {
            return "";
        }
    }
}
