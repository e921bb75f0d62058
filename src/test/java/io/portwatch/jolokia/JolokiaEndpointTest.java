package io.portwatch.jolokia;

import org.jolokia.json.JSONObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The endpoint over real HTTP on 127.0.0.1, port 0, against MBeans in the platform MBeanServer. */
class JolokiaEndpointTest {

    private final TestMBeans mbeans = new TestMBeans();
    private final String id = "test-" + UUID.randomUUID().toString().substring(0, 8);
    private TestMBeans.ListeningPort port;
    private TestMBeans.Agent agent;
    private JolokiaEndpoint endpoint;
    private JolokiaClient client;

    @BeforeEach
    void start() throws Exception {
        port = mbeans.register("portwatch:type=ListeningPort,name=" + id, new TestMBeans.ListeningPort(2));
        agent = mbeans.register("portwatch:type=Agent", new TestMBeans.Agent());
        endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0));
        client = new JolokiaClient(endpoint.url());
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.close();
        mbeans.close();
    }

    @Test
    void urlNamesLoopbackPortAndContext() {
        assertEquals("http", endpoint.url().getScheme());
        assertEquals("127.0.0.1", endpoint.url().getHost());
        assertTrue(endpoint.url().getPort() > 0);
        assertEquals("/jolokia/", endpoint.url().getPath());
    }

    @Test
    void readsHealthOfPortwatchMBean() throws Exception {
        JolokiaClient.Response response = client.get("read/portwatch:type=ListeningPort,name=" + id + "/Health");
        assertEquals(200, response.httpStatus());
        assertEquals(200, response.status(), response.body());
        assertEquals(2, ((Number) response.value()).intValue());
    }

    @Test
    void readsAllAttributesOfAgentAndJavaLang() throws Exception {
        agent.scanNow();
        JolokiaClient.Response agentRead = client.get("read/portwatch:type=Agent/Scans");
        assertEquals(1, ((Number) agentRead.value()).intValue(), agentRead.body());

        JolokiaClient.Response heap = client.get("read/java.lang:type=Memory/HeapMemoryUsage");
        assertEquals(200, heap.status(), heap.body());
        assertTrue(((Map<?, ?>) heap.value()).containsKey("used"), heap.body());
    }

    @Test
    void versionAnswers() throws Exception {
        JolokiaClient.Response response = client.get("version");
        assertEquals(200, response.status(), response.body());
        JSONObject value = (JSONObject) response.value();
        assertEquals("2.6.0", value.get("agent"));
        assertTrue(((String) value.get("id")).startsWith("portwatch-"), response.body());
    }

    @Test
    void listAndSearchShowOnlyThePortwatchAndJavaLangDomains() throws Exception {
        JolokiaClient.Response all = client.get("list");
        assertEquals(200, all.status(), all.body());
        Map<?, ?> domains = (Map<?, ?>) all.value();
        assertEquals(java.util.Set.of("portwatch", "java.lang"), domains.keySet(), all.body());
        Map<?, ?> portwatch = (Map<?, ?>) domains.get("portwatch");
        assertTrue(portwatch.containsKey("type=ListeningPort,name=" + id), portwatch.keySet().toString());
        assertTrue(portwatch.containsKey("type=Agent"), portwatch.keySet().toString());

        JolokiaClient.Response one = client.get("list/portwatch/type=Agent");
        assertEquals(200, one.status(), one.body());
        assertTrue(((Map<?, ?>) ((Map<?, ?>) one.value()).get("op")).containsKey("scanNow"), one.body());

        JolokiaClient.Response search = client.get("search/portwatch:*");
        assertEquals(200, search.status(), search.body());
        assertTrue(search.value().toString().contains("name=" + id), search.body());
        JolokiaClient.Response everything = client.get("search/*:*");
        assertEquals(200, everything.status(), everything.body());
        assertTrue(everything.value().toString().contains("java.lang:type=Runtime"), everything.body());
        assertFalse(everything.value().toString().contains("JMImplementation"), everything.body());
        assertTrue(client.get("search/java.lang:*").value().toString().contains("java.lang:type=Runtime"));
    }

    @Test
    void heapDumpIsRefusedAndNoFileIsWritten(@TempDir Path dir) throws Exception {
        Path dump = dir.resolve("heap.hprof");
        JolokiaClient.Response response = client.post("{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=HotSpotDiagnostic\","
                + "\"operation\":\"dumpHeap\",\"arguments\":[" + jsonString(dump.toString()) + ",true]}");
        assertEquals(200, response.httpStatus());
        assertEquals(403, response.status(), response.body());
        assertFalse(Files.exists(dump));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void readOfAnotherDomainIsRefused() throws Exception {
        assertEquals(403, client.get("read/java.util.logging:type=Logging").status());
        assertEquals(403, client.get("read/java.util.logging:type=Logging/LoggerNames").status());
        assertEquals(403, client.get("read/*:type=Logging").status());
        assertEquals(403, client.get("read/JMImplementation:type=MBeanServerDelegate/MBeanServerId").status());
    }

    @Test
    void writeIsRefusedEverywhere() throws Exception {
        JolokiaClient.Response portwatch = client.get("write/portwatch:type=ListeningPort,name=" + id + "/Label/changed");
        assertEquals(403, portwatch.status(), portwatch.body());
        assertEquals("original", port.getLabel());

        boolean verbose = ManagementFactory.getMemoryMXBean().isVerbose();
        JolokiaClient.Response javaLang = client.post("{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\","
                + "\"attribute\":\"Verbose\",\"value\":" + !verbose + "}");
        assertEquals(403, javaLang.status(), javaLang.body());
        assertEquals(verbose, ManagementFactory.getMemoryMXBean().isVerbose());
    }

    @Test
    void execOfOtherOperationsIsRefused() throws Exception {
        assertEquals(403, client.get("exec/portwatch:type=Agent/shutdown").status());
        assertEquals(0, agent.shutdowns.get());
        assertEquals(403, client.get("exec/portwatch:type=ListeningPort,name=" + id + "/resetCounters").status());
        assertEquals(0, port.resets.get());
        assertEquals(403, client.get("exec/java.lang:type=Memory/gc").status());
        assertEquals(403, client.get("exec/portwatch:*/scanNow").status());
        assertEquals(0, agent.scans.get());
    }

    @Test
    void notificationRequestsAreRefused() throws Exception {
        JolokiaClient.Response register = client.get("notification/register");
        assertEquals(403, register.status(), register.body());
        JolokiaClient.Response add = client.post("{\"type\":\"notification\",\"command\":\"add\",\"client\":\"x\","
                + "\"mode\":\"pull\",\"mbean\":\"portwatch:type=Agent\"}");
        assertEquals(403, add.status(), add.body());
    }

    @Test
    void execOfScanNowAndReloadDefinitionsIsAllowed() throws Exception {
        JolokiaClient.Response scan = client.get("exec/portwatch:type=Agent/scanNow");
        assertEquals(200, scan.status(), scan.body());
        assertEquals(1, agent.scans.get());

        JolokiaClient.Response reload = client.post("{\"type\":\"exec\",\"mbean\":\"portwatch:type=Agent\",\"operation\":\"reloadDefinitions()\"}");
        assertEquals(200, reload.status(), reload.body());
        assertEquals(1, agent.reloads.get());
    }

    @Test
    void proxyRequestIsRefusedWithoutConnectingOut() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + target.getLocalPort() + "/jmxrmi";
            JolokiaClient.Response legacy = client.post("{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\","
                    + "\"attribute\":\"HeapMemoryUsage\",\"target\":{\"url\":\"" + url + "\"}}");
            assertEquals(200, legacy.httpStatus());
            assertEquals(403, legacy.status(), legacy.body());

            JolokiaClient.Response options = client.post("{\"type\":\"read\",\"mbean\":\"java.lang:type=Memory\","
                    + "\"attribute\":\"HeapMemoryUsage\",\"options\":{\"target\":{\"url\":\"" + url + "\"}}}");
            assertEquals(403, options.status(), options.body());

            target.setSoTimeout(1000);
            assertThrows(SocketTimeoutException.class, target::accept, "Jolokia connected to the proxy target");
        }
    }

    @Test
    void errorsCarryNoStackTraceNorDetails() throws Exception {
        String details = "?includeStackTrace=true&serializeException=true";
        JolokiaClient.Response broken = client.get("read/portwatch:type=ListeningPort,name=" + id + "/Broken" + details);
        assertEquals(500, broken.status(), broken.body());
        JolokiaClient.Response missing = client.get("read/portwatch:type=ListeningPort,name=nothing/Health" + details);
        assertEquals(404, missing.status(), missing.body());
        JolokiaClient.Response refused = client.get("exec/portwatch:type=Agent/shutdown" + details);
        assertEquals(403, refused.status(), refused.body());
        for (JolokiaClient.Response response : new JolokiaClient.Response[] {broken, missing, refused}) {
            JSONObject json = response.json();
            assertFalse(json.containsKey("stacktrace"), response.body());
            assertFalse(json.containsKey("error_value"), response.body());
            assertFalse(response.body().contains("\tat "), response.body());
            assertFalse(response.body().contains("io.portwatch.jolokia.TestMBeans"), response.body());
        }
    }

    @Test
    void hostsJolokiaSystemPropertiesAreIgnored() throws Exception {
        Map<String, String> hostProperties = Map.of("jolokia.allowErrorDetails", "true", "jolokia.includeStackTrace", "true",
                "jolokia.agentContext", "/elsewhere", "jolokia.restrictorClass", "org.jolokia.server.core.restrictor.AllowAllRestrictor");
        hostProperties.forEach(System::setProperty);
        try (JolokiaEndpoint other = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            assertEquals("/jolokia/", other.url().getPath());
            JolokiaClient otherClient = new JolokiaClient(other.url());
            JolokiaClient.Response broken = otherClient.get("read/portwatch:type=ListeningPort,name=" + id + "/Broken?includeStackTrace=true");
            assertEquals(500, broken.status(), broken.body());
            assertFalse(broken.json().containsKey("stacktrace"), broken.body());
            assertEquals(403, otherClient.get("exec/portwatch:type=Agent/shutdown").status());
        } finally {
            hostProperties.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    void browserRequestsFromOtherSitesAreRefused() throws Exception {
        String path = "read/portwatch:type=ListeningPort,name=" + id + "/Health";
        assertEquals(403, client.get(path, "Sec-Fetch-Site", "cross-site").httpStatus());
        assertEquals(200, client.get(path, "Sec-Fetch-Site", "same-origin").status());
        assertEquals(403, client.get(path + "?callback=steal").httpStatus());

        JolokiaClient.Response foreign = client.get(path, "Origin", "http://evil.example");
        assertEquals(200, foreign.httpStatus());
        assertFalse(foreign.body().isEmpty());
        JolokiaClient.Response local = client.get(path, "Origin", "http://localhost:3000");
        assertEquals(200, local.status(), local.body());

        String rebound = JolokiaClient.rawGet(endpoint.url(), path, "evil.example:" + endpoint.url().getPort());
        assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
        String direct = JolokiaClient.rawGet(endpoint.url(), path, "127.0.0.1:" + endpoint.url().getPort());
        assertTrue(direct.startsWith("HTTP/1.1 200"), direct);
        assertTrue(direct.contains("\"value\":2"), direct);
    }

    @Test
    void corsHeaderOnlyForLocalOrigins() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String path = "read/portwatch:type=ListeningPort,name=" + id + "/Health";
        var foreign = http.send(java.net.http.HttpRequest.newBuilder(endpoint.url().resolve(path))
                .header("Origin", "http://evil.example").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertTrue(foreign.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), foreign.headers().toString());
        var local = http.send(java.net.http.HttpRequest.newBuilder(endpoint.url().resolve(path))
                .header("Origin", "http://localhost:3000").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals("http://localhost:3000", local.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }

    @Test
    void aCorsPreflightGetsACleanRefusalWithNoOriginAndNoCredentials() throws Exception {
        String path = endpoint.url().getPath() + "read/portwatch:type=ListeningPort,name=" + id + "/Health";
        for (String origin : List.of("http://localhost:3000", "http://evil.example", "null")) {
            String answer = exchange("OPTIONS " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + origin
                    + "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type"
                    + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 403 "), answer);
            String lower = answer.toLowerCase(java.util.Locale.ROOT);
            assertFalse(lower.contains("access-control-allow-origin"), answer);
            assertFalse(lower.contains("access-control-allow-credentials"), answer);
            assertFalse(answer.contains(origin), answer);
        }
    }

    @Test
    void jsonpIsRefusedHoweverOftenItsNameIsEncoded() throws Exception {
        String path = "read/portwatch:type=ListeningPort,name=" + id + "/Health";
        for (String query : List.of("?%2563allback=steal", "?%252563allback=steal", "?%25252563allback=steal",
                "?%2543allback=steal", "?%2543ALLBACK=steal")) {
            JolokiaClient.Response response = client.get(path + query);
            assertEquals(403, response.httpStatus(), query);
            assertFalse(response.body().contains("steal"), response.body());
        }
    }

    /** Nobody listed this one: a double-encoded slash or letter in the path names nothing the policy hides. */
    @Test
    void aDoubleEncodedPathReadsNothingThePolicyHides() throws Exception {
        for (String path : List.of("read/java.lang:type=Runtime%252FInputArguments", "read/java.lang:type=Runtime/Input%2541rguments",
                "read/java.lang:type%253DRuntime/InputArguments")) {
            JolokiaClient.Response response = client.get(path);
            // Jetty refuses an ambiguous encoding (400) before Jolokia; what passes is an error, never the value
            assertTrue(response.httpStatus() == 400 || response.httpStatus() == 200 && response.status() >= 400,
                    path + ": " + response.httpStatus() + " " + response.body());
            assertFalse(response.body().contains("-Xm") || response.body().contains("-D"), response.body());
        }
    }

    /** Raw request text to the endpoint, the whole answer back (the server closes). */
    private String exchange(String request) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", endpoint.url().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void closeUnregistersJolokiasOwnMBeans() throws Exception {
        var server = ManagementFactory.getPlatformMBeanServer();
        String agentId = (String) ((JSONObject) client.get("version").value()).get("id");
        ObjectName config = new ObjectName("jolokia:type=Config,agent=" + agentId);
        assertTrue(server.isRegistered(config));
        endpoint.close();
        assertFalse(server.isRegistered(config));
        assertTrue(server.queryNames(new ObjectName("jolokia:agent=" + agentId + ",*"), null).isEmpty());
        endpoint.close();
    }

    @Test
    void busyPortIsAnIOExceptionNamingHostAndPort() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            IOException e = assertThrows(IOException.class,
                    () -> JolokiaEndpoint.start(JolokiaOptions.loopback(busy.getLocalPort())));
            assertTrue(e.getMessage().startsWith("Jolokia cannot listen on 127.0.0.1:" + busy.getLocalPort() + ": "),
                    e.getMessage());
        }
    }

    @Test
    void nonLoopbackHostWithoutCredentialsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JolokiaEndpoint.start(TestOptions.loopbackWith(h -> h.withHost("0.0.0.0"))));
        assertEquals("jolokia.host=0.0.0.0 is not a loopback address: Jolokia needs jolokia.user and jolokia.password"
                + " to listen on it (and jolokia.https=true to keep the password off the wire)", e.getMessage());
    }

    @Test
    void unknownHostIsAnIOExceptionNamingTheSetting() {
        IOException e = assertThrows(IOException.class,
                () -> JolokiaEndpoint.start(TestOptions.loopbackWith(h -> h.withHost("no-such-host.invalid"))));
        assertEquals("jolokia.host: cannot resolve \"no-such-host.invalid\"", e.getMessage());
    }

    private static String jsonString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
