package io.portwatch.jolokia;

import org.jolokia.json.JSONArray;
import org.jolokia.json.parser.JSONParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanParameterInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Jolokia policy over real HTTP on 127.0.0.1 port 0: nothing of this JVM's command line or
 * system properties comes out, whatever the form of the request, while hawtio-style reads of whole
 * MBeans, patterns, lists and searches still answer. Every response is checked for a secret system
 * property this test sets and for the JVM's class path, library path, command and input arguments.
 */
class JolokiaPolicyTest {

    /** What {@code java.lang:type=Runtime} shows (the policy's allow-list; JDK 17 to 25 have no other attribute). */
    private static final Set<String> RUNTIME_READABLE = Set.of("Name", "Pid", "StartTime", "Uptime", "VmName", "VmVendor",
            "VmVersion", "SpecName", "SpecVendor", "SpecVersion", "ManagementSpecVersion", "BootClassPathSupported", "ObjectName");
    /** Its attributes that show the host's command line, class and library paths or properties. */
    private static final Set<String> RUNTIME_REFUSED = Set.of("SystemProperties", "InputArguments", "ClassPath", "LibraryPath",
            "BootClassPath");
    private static final String RUNTIME = "java.lang:type=Runtime";
    private static final String PROPERTY = "app.db.password";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final TestMBeans mbeans = new TestMBeans();
    private final String secret = "s3cret-" + UUID.randomUUID().toString().replace("-", "");
    private TestMBeans.Agent agent;
    private JolokiaEndpoint endpoint;
    private JolokiaClient client;

    @BeforeEach
    void start() throws Exception {
        System.setProperty(PROPERTY, secret);
        mbeans.register("portwatch:type=ListeningPort,name=policy", new TestMBeans.ListeningPort(0));
        agent = mbeans.register("portwatch:type=Agent", new TestMBeans.Agent());
        endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0));
        client = new JolokiaClient(endpoint.url());
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.close();
        mbeans.close();
        System.clearProperty(PROPERTY);
    }

    // ---- the leak check itself

    @Test
    void leakCheckRecognisesWhatTheRefusedAttributesHold() {
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        assertTrue(leaks(runtime.getSystemProperties().toString()), "SystemProperties");
        assertTrue(leaks(runtime.getClassPath()), "ClassPath");
        assertTrue(leaks(runtime.getLibraryPath()), "LibraryPath");
        assertTrue(leaks("{\"value\":\"" + secret + "\"}"));
        assertFalse(leaks("{\"value\":\"s3cret\"}"));
    }

    // ---- reads naming a refused attribute

    @Test
    void eachRefusedRuntimeAttributeIsRefusedWhenNamed() throws Exception {
        for (String attribute : RUNTIME_REFUSED) {
            assertEquals(403, get("read/" + RUNTIME + "/" + attribute).status(), attribute);
            assertEquals(403, post("{\"type\":\"read\",\"mbean\":\"" + RUNTIME + "\",\"attribute\":\"" + attribute + "\"}").status(),
                    attribute);
        }
    }

    @Test
    void refusedAttributeIsRefusedInEveryGetForm() throws Exception {
        assertEquals(403, get("read/" + RUNTIME + "/SystemProperties/" + PROPERTY).status());
        assertEquals(403, get("read/" + RUNTIME + "/System!Properties").status());
        assertEquals(403, get("read/java.lang%3Atype%3DRuntime/SystemProperties").status());
        assertEquals(403, get("read/jmx@" + RUNTIME + "/SystemProperties").status());
        assertEquals(403, get("?p=/read/" + RUNTIME + "/SystemProperties").status());
        assertEquals(403, get("read/" + RUNTIME + "/SystemProperties?ignoreErrors=true").status());
    }

    @Test
    void namingARefusedAttributeAmongOthersRefusesTheWholeRead() throws Exception {
        assertEquals(403, get("read/" + RUNTIME + "/Uptime,SystemProperties").status());
        assertEquals(403, get("read/" + RUNTIME + "/Uptime,InputArguments?ignoreErrors=true").status());
        assertEquals(403, post(read(RUNTIME, "[\"Uptime\",\"InputArguments\"]")).status());
        assertEquals(403, post(read(RUNTIME, "[\"ClassPath\"]")).status());
        assertEquals(403, post(read(RUNTIME, "\"Uptime,LibraryPath\"")).status());
    }

    // ---- reads of all attributes

    @Test
    void readOfAllRuntimeAttributesLeavesOutTheRefusedOnes() throws Exception {
        for (String path : List.of("read/" + RUNTIME, "read/" + RUNTIME + "/*", "read/" + RUNTIME + "?ignoreErrors=true",
                "read/jmx@" + RUNTIME, "?p=/read/" + RUNTIME)) {
            JolokiaClient.Response response = get(path);
            assertEquals(200, response.status(), path + ": " + response.body());
            Map<?, ?> value = (Map<?, ?>) response.value();
            assertEquals(RUNTIME_READABLE, value.keySet(), path);
            assertEquals(ProcessHandle.current().pid(), ((Number) value.get("Pid")).longValue());
        }
        for (String attribute : List.of("null", "[]", "\"\"")) {
            JolokiaClient.Response response = post(read(RUNTIME, attribute));
            assertEquals(200, response.status(), attribute + ": " + response.body());
            assertEquals(RUNTIME_READABLE, ((Map<?, ?>) response.value()).keySet(), attribute);
        }
        JolokiaClient.Response noAttribute = post("{\"type\":\"read\",\"mbean\":\"" + RUNTIME + "\"}");
        assertEquals(RUNTIME_READABLE, ((Map<?, ?>) noAttribute.value()).keySet(), noAttribute.body());
    }

    @Test
    void readOfAllAttributesOfOtherMBeansIsUnchanged() throws Exception {
        JolokiaClient.Response memory = get("read/java.lang:type=Memory");
        assertEquals(200, memory.status(), memory.body());
        assertEquals(Set.of("HeapMemoryUsage", "NonHeapMemoryUsage", "ObjectPendingFinalizationCount", "Verbose", "ObjectName"),
                ((Map<?, ?>) memory.value()).keySet());

        JolokiaClient.Response port = get("read/portwatch:type=ListeningPort,name=policy?ignoreErrors=true");
        assertEquals(200, port.status(), port.body());
        Map<?, ?> attributes = (Map<?, ?>) port.value();
        assertEquals(Set.of("Health", "Label", "Broken"), attributes.keySet());
        assertEquals(0, ((Number) attributes.get("Health")).intValue());
        assertTrue(((Map<?, ?>) attributes.get("Broken")).containsKey("error"), port.body());

        // without ignoreErrors one failing getter fails the read, as in Jolokia
        assertEquals(500, get("read/portwatch:type=ListeningPort,name=policy").status());
        assertEquals(404, get("read/portwatch:type=ListeningPort,name=nothing").status());
        JolokiaClient.Response unknown = post(readIgnoringErrors("java.lang:type=Memory", "[\"Verbose\",\"Nothing\"]"));
        assertEquals(200, unknown.status(), unknown.body());
        assertEquals(false, ((Map<?, ?>) unknown.value()).get("Verbose"));
        assertTrue(((Map<?, ?>) ((Map<?, ?>) unknown.value()).get("Nothing")).containsKey("error"), unknown.body());
    }

    // ---- reads of a pattern

    @Test
    void patternReadsLeaveOutRefusedAttributes() throws Exception {
        JolokiaClient.Response runtime = get("read/" + RUNTIME + ",*");
        assertEquals(200, runtime.status(), runtime.body());
        Map<?, ?> byName = (Map<?, ?>) runtime.value();
        assertEquals(Set.of(RUNTIME), byName.keySet());
        assertEquals(RUNTIME_READABLE, ((Map<?, ?>) byName.get(RUNTIME)).keySet());

        // some pools cannot report thresholds: without ignoreErrors the whole read would fail, as in Jolokia
        JolokiaClient.Response javaLang = get("read/java.lang:*?ignoreErrors=true");
        assertEquals(200, javaLang.status(), javaLang.body());
        Map<?, ?> all = (Map<?, ?>) javaLang.value();
        assertEquals(names("java.lang:*"), all.keySet());
        assertEquals(RUNTIME_READABLE, ((Map<?, ?>) all.get(RUNTIME)).keySet());
        assertTrue(((Map<?, ?>) all.get("java.lang:type=Memory")).containsKey("HeapMemoryUsage"));
        get("read/java.lang:*"); // whatever its status, nothing leaks

        JolokiaClient.Response portwatch = get("read/portwatch:*/Health");
        assertEquals(200, portwatch.status(), portwatch.body());
        Map<?, ?> health = (Map<?, ?>) portwatch.value();
        assertFalse(health.containsKey("portwatch:type=Agent"), portwatch.body());
        Map<?, ?> policyPort = (Map<?, ?>) health.get("portwatch:type=ListeningPort,name=policy");
        assertEquals(Set.of("Health"), policyPort.keySet(), portwatch.body());
        assertEquals(0, ((Number) policyPort.get("Health")).intValue());
    }

    @Test
    void patternReadsRefuseANamedRefusedAttribute() throws Exception {
        assertEquals(403, get("read/java.lang:type=*/SystemProperties").status());
        assertEquals(403, get("read/java.lang:*/InputArguments?ignoreErrors=true").status());
        assertEquals(403, get("read/" + RUNTIME + ",*/ClassPath").status());
        assertEquals(403, post(read("java.lang:*", "[\"Uptime\",\"LibraryPath\"]")).status());
        assertEquals(403, post(read("java.lang:type=Run*", "\"BootClassPath\"")).status());
    }

    @Test
    void patternReadsSkipMBeansWithoutTheNamedAttribute() throws Exception {
        JolokiaClient.Response uptime = get("read/java.lang:type=*/Uptime");
        assertEquals(200, uptime.status(), uptime.body());
        assertEquals(Set.of(RUNTIME), ((Map<?, ?>) uptime.value()).keySet());

        JolokiaClient.Response heap = get("read/java.lang:*/HeapMemoryUsage");
        assertEquals(200, heap.status(), heap.body());
        assertEquals(Set.of("java.lang:type=Memory"), ((Map<?, ?>) heap.value()).keySet());

        assertEquals(404, get("read/java.lang:*/NoSuchAttribute").status());
        assertEquals(404, get("read/java.lang:type=NoSuchType,*").status());
    }

    // ---- other names

    @Test
    void otherSpellingsOfTheRuntimeNameReachNoRefusedAttribute() throws Exception {
        assertEquals(404, get("read/java.lang:name=x,type=Runtime/SystemProperties").status());
        assertEquals(404, get("read/java.lang:type=%22Runtime%22/SystemProperties").status());
        assertEquals(404, get("read/java.lang:TYPE=Runtime/SystemProperties").status());
        assertEquals(404, get("read/java.lang:type=runtime/SystemProperties").status());
        assertEquals(403, get("read/JAVA.LANG:type=Runtime/SystemProperties").status());
        assertEquals(403, get("read/*:type=Runtime/SystemProperties").status());
        assertEquals(403, get("read/*:type=Runtime").status());
        assertEquals(403, get("read/java.*:type=Runtime").status());
        assertEquals(403, get("read/*/SystemProperties").status());
        assertEquals(403, post(read("*:*", "null")).status());
        assertEquals(403, post(read("com.sun.management:type=DiagnosticCommand", "null")).status());
    }

    // ---- bulk

    @Test
    void bulkRequestsApplyThePolicyToEachRequest() throws Exception {
        JolokiaClient.Response bulk = post("[" + String.join(",",
                read(RUNTIME, "\"SystemProperties\""),
                read(RUNTIME, "null"),
                read(RUNTIME + ",*", "\"InputArguments\""),
                readIgnoringErrors("java.lang:*", "null"),
                "{\"type\":\"search\",\"mbean\":\"*:*\"}",
                "{\"type\":\"list\",\"path\":\"java.lang/type=Runtime\"}",
                "{\"type\":\"read\",\"mbean\":\"*:type=Runtime\",\"attribute\":\"ClassPath\"}",
                "{\"type\":\"exec\",\"mbean\":\"portwatch:type=Agent\",\"operation\":\"scanNow\"}") + "]");
        assertEquals(200, bulk.httpStatus());
        List<Integer> statuses = new ArrayList<>();
        for (Object each : new JSONParser().parse(bulk.body(), JSONArray.class)) {
            statuses.add(((Number) ((Map<?, ?>) each).get("status")).intValue());
        }
        assertEquals(List.of(403, 200, 403, 200, 200, 200, 403, 200), statuses, bulk.body());
        assertEquals(1, agent.scans.get());
    }

    // ---- list and search

    @Test
    void searchWithAPatternReturnsTheMBeansOfPortwatchAndJavaLang() throws Exception {
        Set<String> visible = new TreeSet<>(names("portwatch:*"));
        visible.addAll(names("java.lang:*"));
        for (String pattern : List.of("*:*", "*:type=*,*", "*:*,type=*")) {
            JolokiaClient.Response search = get("search/" + pattern);
            assertEquals(200, search.status(), pattern + ": " + search.body());
            assertEquals(visible, stringSet(search.value()), pattern);
        }
        JolokiaClient.Response posted = post("{\"type\":\"search\",\"mbean\":\"*:*\"}");
        assertEquals(visible, stringSet(posted.value()), posted.body());

        assertEquals(Set.of(RUNTIME), stringSet(get("search/*:type=Runtime,*").value()));
        Set<String> ports = stringSet(get("search/*:type=ListeningPort,*").value());
        assertTrue(ports.contains("portwatch:type=ListeningPort,name=policy"), ports.toString());
        assertEquals(names("portwatch:type=ListeningPort,*"), ports);
        assertEquals(names("java.lang:*"), stringSet(get("search/java.lang:*").value()));
        for (String hidden : List.of("*:type=Logging", "com.sun.management:*", "JMImplementation:*", "jolokia:*", "java.util.logging:*")) {
            JolokiaClient.Response search = get("search/" + hidden);
            assertEquals(200, search.status(), hidden + ": " + search.body());
            assertEquals(Set.of(), stringSet(search.value()), hidden);
        }
    }

    @Test
    void listShowsPortwatchAndJavaLangWithAttributeNamesButNoValues() throws Exception {
        JolokiaClient.Response all = get("list");
        assertEquals(200, all.status(), all.body());
        assertEquals(Set.of("portwatch", "java.lang"), ((Map<?, ?>) all.value()).keySet());

        JolokiaClient.Response runtime = get("list/java.lang/type=Runtime");
        assertEquals(200, runtime.status(), runtime.body());
        Set<?> listed = ((Map<?, ?>) ((Map<?, ?>) runtime.value()).get("attr")).keySet();
        assertTrue(listed.containsAll(RUNTIME_REFUSED), listed.toString());

        JolokiaClient.Response anyDomain = get("list/*/type=Runtime");
        assertEquals(200, anyDomain.status(), anyDomain.body());
        assertEquals(Set.of("java.lang"), ((Map<?, ?>) anyDomain.value()).keySet());
        JolokiaClient.Response posted = post("{\"type\":\"list\",\"path\":\"java.lang\"}");
        assertEquals(200, posted.status(), posted.body());
        Set<String> javaLang = names("java.lang:*").stream().map(n -> n.substring("java.lang:".length())).collect(Collectors.toSet());
        assertEquals(javaLang, ((Map<?, ?>) posted.value()).keySet());
    }

    // ---- exec

    @Test
    void onlyTheAgentsScanNowAndReloadDefinitionsRun() throws Exception {
        assertEquals(200, get("exec/portwatch:type=Agent/scanNow").status());
        assertEquals(200, get("exec/portwatch:type=Agent/reloadDefinitions()").status());
        assertEquals(1, agent.scans.get());
        assertEquals(1, agent.reloads.get());

        assertEquals(403, get("exec/portwatch:type=Agent,*/scanNow").status());
        assertEquals(403, get("exec/portwatch:*/scanNow").status());
        assertEquals(403, get("exec/*:type=Agent/scanNow").status());
        assertEquals(403, get("exec/portwatch:type=Agent/shutdown").status());
        assertEquals(403, get("exec/java.lang:type=Threading/dumpAllThreads/true/true").status());
        assertEquals(403, get("exec/java.lang:type=Memory/gc").status());
        assertEquals(1, agent.scans.get());
        assertEquals(0, agent.shutdowns.get());
    }

    // ---- the policy against every java.lang MBean of this JDK

    @Test
    void everyJavaLangAttributeIsReadableButRuntimesCommandLineAndProperties() throws Exception {
        PortwatchRestrictor policy = PortwatchRestrictor.load();
        for (ObjectName name : server.queryNames(new ObjectName("java.lang:*"), null)) {
            Set<String> refused = new TreeSet<>();
            Set<String> attributes = new TreeSet<>();
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                attributes.add(attribute.getName());
                if (!policy.isAttributeReadAllowed(name, attribute.getName())) {
                    refused.add(attribute.getName());
                }
            }
            if (name.equals(new ObjectName(RUNTIME))) {
                // a new JDK's attribute on Runtime is refused until someone decides; this names it
                assertEquals(new TreeSet<>(union(RUNTIME_READABLE, RUNTIME_REFUSED)), attributes, "attributes of Runtime on this JDK");
                assertEquals(new TreeSet<>(RUNTIME_REFUSED), refused);
            } else {
                assertEquals(Set.of(), refused, name.toString());
            }
        }
    }

    @Test
    void noJavaLangOperationRuns() throws Exception {
        PortwatchRestrictor policy = PortwatchRestrictor.load();
        int operations = 0;
        for (ObjectName name : server.queryNames(new ObjectName("java.lang:*"), null)) {
            for (MBeanOperationInfo operation : server.getMBeanInfo(name).getOperations()) {
                operations++;
                assertFalse(policy.isOperationAllowed(name, operation.getName()), name + " " + operation.getName());
                String signature = Arrays.stream(operation.getSignature()).map(MBeanParameterInfo::getType)
                        .collect(Collectors.joining(",", operation.getName() + "(", ")"));
                assertFalse(policy.isOperationAllowed(name, signature), name + " " + signature);
            }
        }
        assertTrue(operations > 10, "only " + operations + " java.lang operations found");
    }

    // ------------------------------------------------------------------------------------------

    private JolokiaClient.Response get(String path) throws Exception {
        return checked(client.get(path), path);
    }

    private JolokiaClient.Response post(String json) throws Exception {
        return checked(client.post(json), json);
    }

    private JolokiaClient.Response checked(JolokiaClient.Response response, String request) {
        assertFalse(leaks(response.body()), () -> request + " leaked the host's command line or properties: " + response.body());
        return response;
    }

    /** Whether {@code text} shows the secret property or this JVM's class path, library path, command or arguments. */
    private boolean leaks(String text) {
        String unescaped = text.replace("\\/", "/");
        List<String> needles = new ArrayList<>(List.of(secret, System.getProperty("java.class.path"),
                System.getProperty("java.library.path"), System.getProperty("sun.java.command", secret)));
        needles.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        return needles.stream().filter(needle -> needle.length() >= 12).anyMatch(unescaped::contains);
    }

    private static String read(String mbean, String attributeJson) {
        return "{\"type\":\"read\",\"mbean\":\"" + mbean + "\",\"attribute\":" + attributeJson + "}";
    }

    private static String readIgnoringErrors(String mbean, String attributeJson) {
        return "{\"type\":\"read\",\"mbean\":\"" + mbean + "\",\"attribute\":" + attributeJson
                + ",\"config\":{\"ignoreErrors\":true}}";
    }

    /** The names matching {@code pattern} as Jolokia writes them by default: keys in registration order. */
    private Set<String> names(String pattern) throws Exception {
        return server.queryNames(new ObjectName(pattern), null).stream().map(n -> n.getDomain() + ":" + n.getKeyPropertyListString())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> stringSet(Object value) {
        return ((List<?>) value).stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> union = new TreeSet<>(a);
        union.addAll(b);
        return union;
    }
}
