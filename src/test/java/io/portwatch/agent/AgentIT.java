package io.portwatch.agent;

import io.portwatch.testing.Poll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.tools.attach.VirtualMachine;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.linux.LinuxSocketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.time.Duration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.management.AttributeChangeNotification;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** The agent in child JVMs, on the built jar: it never harms the host, and it publishes what it should. */
class AgentIT {

    @TempDir
    Path dir;

    private Path definitions(String listeningRows) throws IOException {
        Path defs = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(defs.resolve("monitoredListeningPorts.csv"),
                "id,ipProtocol,localIP,localPort,procName,comment\n" + listeningRows);
        return defs;
    }

    private static String javaagent(String args) {
        return "-javaagent:" + ChildJvm.jar() + (args.isEmpty() ? "" : "=" + args);
    }

    /** A host with little heap that dies on the first OutOfMemoryError: portwatch must not cause one. */
    private ChildJvm.Result host(String agentArgs, String mode) throws Exception {
        return ChildJvm.run(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", javaagent(agentArgs)), mode,
                dir.resolve("stderr-" + System.nanoTime() + ".txt"));
    }

    private static void assertHostRan(ChildJvm.Result r) {
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("MAIN-RAN"), r.stdout() + r.stderr());
    }

    @Test
    void goodSettingsRunTheHostAndAddOnlyDaemonThreadsNamedPortwatch() throws Exception {
        Set<String> baseline = new HashSet<>(ChildJvm.run(List.of(), "quick", dir.resolve("base.txt")).threads());
        Path defs = definitions("ssh,tcp,,22,sshd,ssh\n");
        ChildJvm.Result r = host("definitions=" + defs + ",interval=1,prometheus.port=" + ChildJvm.freePort()
                + ",jolokia.port=" + ChildJvm.freePort(), "report");
        assertHostRan(r);
        assertTrue(r.stdout().contains("PORTWATCH-UP"), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("HTTPSERVER sun.net.httpserver."), "the host's HttpServer.create() is no longer"
                + " the JDK's: " + r.stdout());
        List<String> added = r.threads().stream().filter(t -> !baseline.contains(t)).collect(Collectors.toList());
        assertFalse(added.isEmpty(), "portwatch started no thread?");
        for (String t : added) {
            assertTrue(t.startsWith("portwatch-") && t.endsWith(" true"), "thread not a daemon named portwatch-*: " + t
                    + "\nall added: " + added);
        }
    }

    @Test
    void missingDefinitionsFolderLogsOneLineAndTheHostRuns() throws Exception {
        ChildJvm.Result r = host("definitions=" + dir.resolve("nope") + ",prometheus.port=0,jolokia.port=0", "report");
        assertHostRan(r);
        assertTrue(r.stderr().contains("definitions directory not found"), r.stderr());
    }

    @Test
    void brokenCsvLogsTheProblemAndTheHostRuns() throws Exception {
        Path defs = definitions("bad,tcp,,80a,java,x\n");
        ChildJvm.Result r = host("definitions=" + defs + ",prometheus.port=0,jolokia.port=0", "report");
        assertHostRan(r);
        assertTrue(r.stderr().contains("monitoredListeningPorts.csv:2: localPort: expecting 1-65535 (found \"80a\")"),
                r.stderr());
    }

    @Test
    void unknownSettingLogsOneLineAndTheHostRuns() throws Exception {
        ChildJvm.Result r = host("colour=blue", "quick");
        assertHostRan(r);
        assertTrue(r.stdout().contains("PORTWATCH-ABSENT"), r.stdout());
        assertTrue(r.stderr().contains("portwatch: not started, bad settings: unknown setting agent argument colour"),
                r.stderr());
    }

    @Test
    void portsAlreadyTakenLogAndTheHostRuns() throws Exception {
        try (ServerSocket prom = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket jolo = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChildJvm.Result r = host("definitions=" + definitions("") + ",prometheus.port=" + prom.getLocalPort()
                    + ",jolokia.port=" + jolo.getLocalPort(), "report");
            assertHostRan(r);
            assertTrue(r.stdout().contains("PORTWATCH-UP"), "the rest of portwatch runs: " + r.stdout());
            assertTrue(r.stderr().contains("no Prometheus endpoint") && r.stderr().contains(":" + prom.getLocalPort()),
                    r.stderr());
            assertTrue(r.stderr().contains("no Jolokia endpoint") && r.stderr().contains(":" + jolo.getLocalPort()),
                    r.stderr());
        }
    }

    @Test
    void disabledBySystemPropertyAndSecondLoadIsRefused() throws Exception {
        ChildJvm.Result off = ChildJvm.run(List.of("-Dportwatch.enabled=false", javaagent("")), "quick",
                dir.resolve("off.txt"));
        assertHostRan(off);
        assertTrue(off.stdout().contains("PORTWATCH-ABSENT"), off.stdout());

        String args = "definitions=" + definitions("") + ",prometheus.port=0,jolokia.port=0";
        ChildJvm.Result twice = ChildJvm.run(List.of(javaagent(args), javaagent(args)), "report", dir.resolve("twice.txt"));
        assertHostRan(twice);
        assertTrue(twice.stderr().contains("portwatch: already running in this JVM; the second load does nothing"),
                twice.stderr());
    }

    @Test
    void onlyTheConfiguredHttpPortsAreOpenedOnLoopbackAndServeRealData() throws Exception {
        int prom = ChildJvm.freePort();
        int jolo = ChildJvm.freePort();
        try (ServerSocket watched = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path defs = definitions("watched,tcp,127.0.0.1," + watched.getLocalPort() + ",java,the test's listener\n");
            try (ChildJvm child = ChildJvm.start(List.of(javaagent("definitions=" + defs + ",interval=1,prometheus.port="
                    + prom + ",jolokia.port=" + jolo)), dir.resolve("err.txt"))) {
                HttpClient http = HttpClient.newHttpClient();
                String metrics = awaitBody(http, "http://127.0.0.1:" + prom + "/metrics",
                        "portwatch_listening_port_health{");
                assertTrue(metrics.contains("id=\"watched\""), metrics);
                String jolokia = awaitBody(http, "http://127.0.0.1:" + jolo
                        + "/jolokia/read/portwatch:type=ListeningPort,name=watched/Health", "\"value\":0");
                assertTrue(jolokia.contains("\"status\":200"), jolokia);

                Snapshot s = new LinuxSocketSource().scan();
                Set<String> listeners = s.sockets().stream()
                        .filter(e -> e.pid() == child.pid() && e.state() == SocketState.LISTEN)
                        .map(e -> io.portwatch.scan.Addresses.format(e.localAddress(), e.localPort()))
                        .collect(Collectors.toSet());
                assertEquals(Set.of("127.0.0.1:" + prom, "127.0.0.1:" + jolo), listeners);
                assertTrue(s.sockets().stream().filter(e -> e.pid() == child.pid()).allMatch(SocketEntry::hasOwner));
            }
        }
    }

    private static String awaitBody(HttpClient http, String url, String wanted) throws Exception {
        String[] last = {""};
        return Poll.value(Duration.ofSeconds(30), () -> "no \"" + wanted + "\" from " + url + "; last: " + last[0], () -> {
            try {
                last[0] = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
            } catch (IOException e) {
                last[0] = e.toString();
            }
            return last[0].contains(wanted) ? last[0] : null;
        });
    }

    /** Connects as JConsole does: the Attach API starts the local management agent in the target. */
    private static JMXConnector jconsole(long pid) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
    }

    private static void awaitMBean(MBeanServerConnection mbs, ObjectName name) throws Exception {
        Poll.until(Duration.ofSeconds(30), () -> name + " never registered", () -> mbs.isRegistered(name));
    }

    @Test
    void jconsoleSeesTheMBeansAndTheHealthChangeNotification() throws Exception {
        ServerSocket watched = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Path defs = definitions("watched,tcp,127.0.0.1," + watched.getLocalPort() + ",java,the test's listener\n");
        try (ChildJvm child = ChildJvm.start(List.of(javaagent("definitions=" + defs
                + ",interval=1,prometheus.enabled=false,jolokia.enabled=false")), dir.resolve("err.txt"));
             JMXConnector jmx = jconsole(child.pid())) {
            MBeanServerConnection mbs = jmx.getMBeanServerConnection();
            ObjectName row = new ObjectName("portwatch:type=ListeningPort,name=watched");
            awaitMBean(mbs, row);
            Set<ObjectName> names = mbs.queryNames(new ObjectName("portwatch:*"), null);
            assertTrue(names.contains(new ObjectName("portwatch:type=Agent")), names.toString());
            assertEquals(0, ((Number) mbs.getAttribute(row, "Health")).intValue());

            BlockingQueue<Notification> received = new ArrayBlockingQueue<>(10);
            mbs.addNotificationListener(row, (n, handback) -> received.offer(n), null, null);
            watched.close();
            Notification n = received.poll(30, TimeUnit.SECONDS);
            assertTrue(n instanceof AttributeChangeNotification, "no health-change notification: " + n);
            AttributeChangeNotification change = (AttributeChangeNotification) n;
            assertEquals(AttributeChangeNotification.ATTRIBUTE_CHANGE, change.getType());
            assertEquals("Health", change.getAttributeName());
            assertEquals(0, ((Number) change.getOldValue()).intValue());
            assertEquals(2, ((Number) change.getNewValue()).intValue());
        } finally {
            watched.close();
        }
    }

    @Test
    void attachLoadsPortwatchIntoARunningJvm() throws Exception {
        Path defs = definitions("ssh,tcp,,22,sshd,ssh\n");
        try (ChildJvm child = ChildJvm.start(List.of(), dir.resolve("err.txt"))) {
            Process attach = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                    ChildJvm.jar().toString(), "attach", Long.toString(child.pid()), "--definitions=" + defs,
                    "--interval=1", "--prometheus.port=0", "--jolokia.port=0").redirectErrorStream(true).start();
            String out = new String(attach.getInputStream().readAllBytes());
            assertTrue(attach.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, attach.exitValue(), out);
            try (JMXConnector jmx = jconsole(child.pid())) {
                MBeanServerConnection mbs = jmx.getMBeanServerConnection();
                awaitMBean(mbs, new ObjectName("portwatch:type=ListeningPort,name=ssh"));
                assertEquals(1, ((Number) mbs.getAttribute(new ObjectName("portwatch:type=Agent"), "ListeningDefinitions"))
                        .intValue());
            }
        }
    }
}
