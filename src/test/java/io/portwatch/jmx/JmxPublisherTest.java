package io.portwatch.jmx;

import io.portwatch.config.Definitions;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.health.Health;
import io.portwatch.state.MonitorState;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.CountingControl;
import io.portwatch.testing.FakeMonitor;
import io.portwatch.testing.StateBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.AttributeChangeNotification;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.Notification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.TabularData;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static io.portwatch.testing.Sockets.listen;
import static io.portwatch.testing.Sockets.outgoing;
import static io.portwatch.testing.StateBuilder.connection;
import static io.portwatch.testing.StateBuilder.listening;
import static io.portwatch.testing.StateBuilder.process;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmxPublisherTest {

    /** What {@link StandardMBean} says when nobody wrote a description. */
    private static final Set<String> DEFAULT_DESCRIPTIONS = Set.of("Attribute exposed for management",
            "Operation exposed for management", "Information on the management interface of the MBean");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FakeMonitor monitor = new FakeMonitor();
    private final CountingControl control = new CountingControl();
    private JmxPublisher publisher;

    private static final SocketEntry SSH = listen(22, 812);
    private static final SocketEntry DB = outgoing("10.0.0.5", 1433, SocketState.ESTABLISHED, 900);

    @BeforeEach
    void start() throws Exception {
        assertEquals(Set.of(), names(), "portwatch MBeans left over from elsewhere");
        publisher = new JmxPublisher(server, monitor, control);
        monitor.onPublish(publisher::published);
    }

    @AfterEach
    void stop() throws Exception {
        publisher.close();
        for (ObjectName n : server.queryNames(Names.all(), null)) {
            server.unregisterMBean(n);
        }
    }

    private MonitorState typical() {
        return new StateBuilder().results(
                List.of(listening("ssh-22", 22, Health.GREEN, SSH), listening("web-80", 80, Health.RED)),
                List.of(connection("db", Health.GREEN, Map.of(SocketState.ESTABLISHED, 1, SocketState.TIME_WAIT, 2), DB)),
                List.of(process("sshd", 812, "root", SSH), process("java", 900, "app", DB,
                        outgoing("10.0.0.6", 80, SocketState.TIME_WAIT, 900),
                        outgoing("10.0.0.7", 80, SocketState.CLOSE_WAIT, 900)))).build();
    }

    private Set<String> names() {
        return server.queryNames(Names.all(), null).stream().map(ObjectName::toString)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private Object get(String name, String attribute) throws Exception {
        return server.getAttribute(new ObjectName(name), attribute);
    }

    @Test
    void registerListsAgentRowsAndProcessesByTheirDesignNames() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();

        assertEquals(new TreeSet<>(List.of("portwatch:type=Agent",
                "portwatch:type=ListeningPort,name=ssh-22", "portwatch:type=ListeningPort,name=web-80",
                "portwatch:type=TcpConnection,name=db",
                "portwatch:type=Process,name=sshd", "portwatch:type=Process,name=java")), names());
    }

    @Test
    void beforeTheFirstScanOnlyTheAgentIsThere() throws Exception {
        publisher.register();

        assertEquals(Set.of("portwatch:type=Agent"), names());
        assertEquals("", get("portwatch:type=Agent", "LastScanTime"));
        assertEquals(0L, get("portwatch:type=Agent", "ScanCount"));
        assertEquals(-1, get("portwatch:type=Agent", "WorstHealth"), "not GREEN before anything was scanned");
        assertEquals("NOT_SCANNED", get("portwatch:type=Agent", "WorstHealthName"));
    }

    @Test
    void everyAttributeIsReadOnlyDescribedAndAnOpenValue() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();

        for (ObjectName name : server.queryNames(Names.all(), null)) {
            MBeanInfo info = server.getMBeanInfo(name);
            assertDescribed(info.getDescription(), name + " itself");
            assertTrue(info.getAttributes().length > 0, name.toString());
            for (MBeanAttributeInfo a : info.getAttributes()) {
                String what = name + " " + a.getName();
                assertTrue(a.isReadable(), what);
                assertFalse(a.isWritable(), what + " is writable");
                assertDescribed(a.getDescription(), what);
                // MXBean mapping: the attribute's open type is in its descriptor
                OpenType<?> type = assertInstanceOf(OpenType.class, a.getDescriptor().getFieldValue("openType"), what);
                Object value = server.getAttribute(name, a.getName());
                assertTrue(type.isValue(value), what + " = " + value + " is not a " + type);
            }
            for (MBeanOperationInfo o : info.getOperations()) {
                assertEquals(0, o.getSignature().length, name + " " + o.getName() + " takes arguments");
                assertEquals(MBeanOperationInfo.ACTION, o.getImpact(), name + " " + o.getName());
                assertEquals("void", o.getReturnType(), name + " " + o.getName());
                assertDescribed(o.getDescription(), name + " " + o.getName());
            }
        }
    }

    private static void assertDescribed(String description, String what) {
        assertTrue(description != null && !description.isBlank() && !DEFAULT_DESCRIPTIONS.contains(description),
                what + " has no description: " + description);
    }

    @Test
    void mbeansOfOneKindShareOneMBeanInfo() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();

        // bounded memory (docs/design.md §5): 10,000 rows must not carry 10,000 copies of the same descriptions
        assertSame(server.getMBeanInfo(new ObjectName("portwatch:type=ListeningPort,name=ssh-22")),
                server.getMBeanInfo(new ObjectName("portwatch:type=ListeningPort,name=web-80")));
        assertSame(server.getMBeanInfo(new ObjectName("portwatch:type=Process,name=sshd")),
                server.getMBeanInfo(new ObjectName("portwatch:type=Process,name=java")));
        assertNotSame(server.getMBeanInfo(new ObjectName("portwatch:type=ListeningPort,name=ssh-22")),
                server.getMBeanInfo(new ObjectName("portwatch:type=TcpConnection,name=db")));
    }

    @Test
    void rowMBeansAnnounceHealthChangeNotifications() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();

        for (String name : List.of("portwatch:type=ListeningPort,name=ssh-22", "portwatch:type=TcpConnection,name=db")) {
            MBeanNotificationInfo[] notifications = server.getMBeanInfo(new ObjectName(name)).getNotifications();
            assertEquals(1, notifications.length, name);
            assertEquals(List.of(AttributeChangeNotification.ATTRIBUTE_CHANGE), List.of(notifications[0].getNotifTypes()));
            assertEquals(AttributeChangeNotification.class.getName(), notifications[0].getName());
            assertDescribed(notifications[0].getDescription(), name + " notification");
        }
        assertEquals(0, server.getMBeanInfo(new ObjectName("portwatch:type=Agent")).getNotifications().length);
    }

    @Test
    void listeningPortAttributesComeFromItsResult() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();
        String ssh = "portwatch:type=ListeningPort,name=ssh-22";
        String web = "portwatch:type=ListeningPort,name=web-80";

        assertEquals("ssh-22", get(ssh, "Id"));
        assertEquals(0, get(ssh, "Health"));
        assertEquals("GREEN", get(ssh, "HealthName"));
        assertEquals("ssh-22 is GREEN", get(ssh, "Reason"));
        assertEquals("2026-11-22T10:00:00.000Z", get(ssh, "TestedAt"));
        assertEquals("tcp", get(ssh, "Protocol"));
        assertEquals("*", get(ssh, "LocalIP"));
        assertEquals("22", get(ssh, "LocalPort"));
        assertEquals("sshd", get(ssh, "ProcName"));
        assertEquals("the ssh-22 port", get(ssh, "Comment"));
        assertEquals("critical", get(ssh, "Severity"));
        assertEquals("monitoredListeningPorts.csv:2", get(ssh, "Source"));
        assertArrayEquals(new String[] {SSH.toString()}, (String[]) get(ssh, "MatchedSockets"));
        assertArrayEquals(new int[] {812}, (int[]) get(ssh, "MatchedPids"));
        assertEquals("tcpListenOnweb01ForsshdOn22", get(ssh, "NetstatWatcherKey"));

        assertEquals(2, get(web, "Health"));
        assertEquals("RED", get(web, "HealthName"));
        assertArrayEquals(new String[0], (String[]) get(web, "MatchedSockets"));
        assertArrayEquals(new int[0], (int[]) get(web, "MatchedPids"));
    }

    @Test
    void qualityAttributesAreTheMeasuredFiguresOrMinusOneWhenUnknown() throws Exception {
        MonitorState plain = typical();
        monitor.swapOnly(plain);
        publisher.register();
        String db = "portwatch:type=TcpConnection,name=db";
        assertEquals(-1.0, get(db, "RttSeconds"), "the typical state's reader measures nothing");
        assertEquals(-1L, get(db, "SentSegments"));
        assertEquals(-1L, get(db, "RetransmittedSegments"));
        assertEquals(-1, get(db, "StalledSockets"));

        Evaluation e = plain.evaluation().orElseThrow();
        io.portwatch.health.ConnectionResult measured = e.connections().get(0)
                .withQuality(new io.portwatch.health.ConnectionQuality(12_500, 4_000, 40, 1, 2));
        Evaluation withQuality = new Evaluation(e.testedAt(), e.listening(), List.of(measured), e.processes(),
                e.host(), e.unexpected(), e.listen());
        MonitorState next = plain.withScan(StateBuilder.SCANNED, Duration.ofMillis(1), false, withQuality);
        monitor.swapOnly(next);
        publisher.published(plain, next);
        assertEquals(0.0125, get(db, "RttSeconds"));
        assertEquals(4_000L, get(db, "SentSegments"));
        assertEquals(40L, get(db, "RetransmittedSegments"));
        assertEquals(1, get(db, "StalledSockets"));
    }

    @Test
    void queueAttributesComeFromTheResultsAndTheHostCounters() throws Exception {
        MonitorState plain = typical();
        Evaluation e = plain.evaluation().orElseThrow();
        io.portwatch.health.ListeningResult ssh = e.listening().get(0);
        io.portwatch.health.ConnectionResult db = e.connections().get(0);
        Evaluation withQueues = new Evaluation(e.testedAt(), List.of(new io.portwatch.health.ListeningResult(ssh.row(),
                io.portwatch.health.ListeningReason.NOT_ACCEPTING, "full", ssh.testedAt(), ssh.matched(),
                ssh.netstatWatcherKey(), 2, 1), e.listening().get(1)),
                List.of(new io.portwatch.health.ConnectionResult(db.row(), db.reasonCode(), db.reason(), db.testedAt(),
                        db.matched(), db.byState(), db.netstatWatcherKey(), 1448, 7)),
                e.processes(), e.host(), e.unexpected(), new io.portwatch.scan.ListenCounters(3, 5));
        monitor.swapOnly(plain.withScan(StateBuilder.SCANNED, Duration.ofMillis(1), false, withQueues));
        publisher.register();

        assertEquals(2, get("portwatch:type=ListeningPort,name=ssh-22", "AcceptQueue"));
        assertEquals(1, get("portwatch:type=ListeningPort,name=ssh-22", "Backlog"));
        assertEquals(1, get("portwatch:type=ListeningPort,name=ssh-22", "Health"));
        assertEquals(-1, get("portwatch:type=ListeningPort,name=web-80", "AcceptQueue"), "nothing listens");
        assertEquals(1448L, get("portwatch:type=TcpConnection,name=db", "SendQueueBytes"));
        assertEquals(7L, get("portwatch:type=TcpConnection,name=db", "ReceiveQueueBytes"));
        assertEquals(3L, get("portwatch:type=Agent", "ListenOverflows"));
        assertEquals(5L, get("portwatch:type=Agent", "ListenDrops"));
    }

    @Test
    void tcpConnectionAttributesComeFromItsResult() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();
        String db = "portwatch:type=TcpConnection,name=db";

        assertEquals("db", get(db, "Id"));
        assertEquals(0, get(db, "Health"));
        assertEquals("10.0.0.5", get(db, "RemoteIP"));
        assertEquals("", get(db, "RemoteName"));
        assertEquals("1433", get(db, "RemotePort"));
        assertEquals("*", get(db, "LocalPort"));
        assertEquals("java", get(db, "ProcName"));
        assertEquals(1, get(db, "MinCount"));
        assertEquals(-1, get(db, "MaxCount"));
        assertEquals(1, get(db, "Established"));
        assertEquals(Map.of("ESTABLISHED", 1, "TIME_WAIT", 2), map((TabularData) get(db, "SocketsByState")));
        assertEquals("warning", get(db, "Severity"));
        assertEquals("monitoredTcpConnects.csv:3", get(db, "Source"));
        assertArrayEquals(new String[] {DB.toString()}, (String[]) get(db, "MatchedSockets"));
        assertEquals("tcpConnectOnweb01ForjavaTo10.0.0.5:1433", get(db, "NetstatWatcherKey"));
    }

    @Test
    void processAttributesCountItsSockets() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();
        String java = "portwatch:type=Process,name=java";
        String sshd = "portwatch:type=Process,name=sshd";

        assertEquals("java", get(java, "Name"));
        assertArrayEquals(new int[] {900}, (int[]) get(java, "Pids"));
        assertArrayEquals(new String[] {"app"}, (String[]) get(java, "Users"));
        assertEquals(3, get(java, "Total"));
        assertEquals(Map.of("ESTABLISHED", 1, "TIME_WAIT", 1, "CLOSE_WAIT", 1), map((TabularData) get(java, "TcpByState")));
        assertEquals(Map.of(), map((TabularData) get(java, "UdpByState")));
        assertEquals(0, get(java, "Listening"));
        assertEquals(1, get(java, "Established"));
        assertEquals(1, get(java, "TimeWait"));
        assertEquals(1, get(java, "CloseWait"));
        assertEquals(1, get(sshd, "Listening"));
        assertEquals(Map.of("LISTEN", 1), map((TabularData) get(sshd, "TcpByState")));
    }

    @Test
    void agentSocketReaderIsTheSourcesReaderAndEmptyWhereItHasNone() throws Exception {
        monitor.swapOnly(new StateBuilder().reader("netlink").build());
        publisher.register();
        assertEquals("netlink", get("portwatch:type=Agent", "SocketReader"));
        monitor.swapOnly(new StateBuilder().build());
        assertEquals("", get("portwatch:type=Agent", "SocketReader"));
    }

    @Test
    void agentAttributesComeFromTheState() throws Exception {
        monitor.swapOnly(typical().withConfigErrors(List.of("monitoredListeningPorts.csv:9: localPort: expecting"
                + " 1-65535 (found \"80a\")"), true));
        publisher.register();
        String agent = "portwatch:type=Agent";

        assertEquals("web01", get(agent, "Host"));
        assertEquals("1.2.3", get(agent, "Version"));
        assertEquals("test", get(agent, "Source"));
        assertEquals(15L, get(agent, "IntervalSeconds"));
        assertEquals("2026-11-22T09:59:00.000Z", get(agent, "StartedAt"));
        assertEquals("2026-11-22T10:00:00.000Z", get(agent, "LastScanTime"));
        assertEquals(12L, get(agent, "LastScanDurationMillis"));
        assertEquals(1L, get(agent, "ScanCount"));
        assertEquals(0L, get(agent, "ScanFailures"));
        assertEquals(0L, get(agent, "ScanOverruns"));
        assertEquals("", get(agent, "LastScanError"));
        assertEquals(false, get(agent, "Stale"));
        assertEquals(2, get(agent, "ListeningDefinitions"));
        assertEquals(1, get(agent, "ConnectionDefinitions"));
        assertArrayEquals(new String[] {"monitoredListeningPorts.csv:9: localPort: expecting 1-65535 (found \"80a\")"},
                (String[]) get(agent, "ConfigErrors"));
        assertEquals(0L, get(agent, "ConfigReloads"));
        assertEquals(1L, get(agent, "ConfigReloadFailures"));
        assertEquals(2, get(agent, "GreenCount"));
        assertEquals(0, get(agent, "YellowCount"));
        assertEquals(1, get(agent, "RedCount"));
        assertEquals(2, get(agent, "WorstHealth"));
        assertEquals("RED", get(agent, "WorstHealthName"));
    }

    @Test
    void aFailedScanMakesTheAgentStaleAndKeepsTheRows() throws Exception {
        monitor.swapOnly(typical());
        publisher.register();
        monitor.publish(monitor.get().withScanFailure(java.time.Duration.ofMillis(3), false, "IOException: boom"));

        assertEquals(true, get("portwatch:type=Agent", "Stale"));
        assertEquals("IOException: boom", get("portwatch:type=Agent", "LastScanError"));
        assertEquals(1L, get("portwatch:type=Agent", "ScanFailures"));
        assertEquals(2, get("portwatch:type=ListeningPort,name=web-80", "Health"));
        assertEquals(6, names().size());
    }

    @Test
    void rowsAndProcessesFollowThePublishedStates() throws Exception {
        publisher.register();
        monitor.publish(typical());
        assertEquals(6, names().size());

        monitor.publish(new StateBuilder().results(
                List.of(listening("ssh-22", 22, Health.GREEN, SSH), listening("dns-53", 53, Health.YELLOW)),
                List.of(),
                List.of(process("sshd", 812, "root", SSH), process("named", 53, "bind", listen(53, 53)))).build());

        assertEquals(new TreeSet<>(List.of("portwatch:type=Agent",
                "portwatch:type=ListeningPort,name=ssh-22", "portwatch:type=ListeningPort,name=dns-53",
                "portwatch:type=Process,name=sshd", "portwatch:type=Process,name=named")), names());
        assertEquals(1, get("portwatch:type=ListeningPort,name=dns-53", "Health"));
    }

    @Test
    void processNamesBeyondTheCapShareTheOtherMBean() throws Exception {
        // 6 processes, one of them really named "other", pid p with p - 99 sockets; at most 3 names
        Map<Integer, ProcessInfo> owners = new HashMap<>();
        List<SocketEntry> sockets = new ArrayList<>();
        String[] names = {"a", "other", "b", "c", "d", "e"};
        for (int pid = 100; pid < 106; pid++) {
            owners.put(pid, new ProcessInfo(pid, names[pid - 100], "", "user" + pid, "", "", null));
            for (int i = 0; i < pid - 99; i++) {
                sockets.add(outgoing("10.0.0." + (i + 1), 443, SocketState.ESTABLISHED, pid));
            }
        }
        Snapshot snapshot = new Snapshot(StateBuilder.SCANNED, Duration.ofMillis(3), sockets, owners);
        Evaluation capped = Evaluator.evaluate(Definitions.EMPTY, snapshot, ResolvedNames.NONE,
                EvaluationOptions.forHost("web01").withProcessesMax(3));
        publisher.register();
        monitor.publish(new StateBuilder().build().withScan(StateBuilder.SCANNED, Duration.ofMillis(3), false, capped));

        assertEquals(new TreeSet<>(List.of("portwatch:type=Agent", "portwatch:type=Process,name=c",
                "portwatch:type=Process,name=d", "portwatch:type=Process,name=e",
                "portwatch:type=Process,name=other")), names());
        String other = "portwatch:type=Process,name=other";
        assertEquals("other", get(other, "Name"));
        assertArrayEquals(new int[] {100, 101, 102}, (int[]) get(other, "Pids"));
        assertArrayEquals(new String[] {"user100", "user101", "user102"}, (String[]) get(other, "Users"));
        assertEquals(1 + 2 + 3, get(other, "Total"));
        assertEquals(6, get("portwatch:type=Process,name=e", "Total"));

        // the process named other grows: it keeps its own MBean, other_, and never the bucket's name
        sockets.addAll(List.of(outgoing("10.0.1.1", 443, SocketState.ESTABLISHED, 101),
                outgoing("10.0.1.2", 443, SocketState.ESTABLISHED, 101),
                outgoing("10.0.1.3", 443, SocketState.ESTABLISHED, 101),
                outgoing("10.0.1.4", 443, SocketState.ESTABLISHED, 101),
                outgoing("10.0.1.5", 443, SocketState.ESTABLISHED, 101)));
        Evaluation later = Evaluator.evaluate(Definitions.EMPTY, new Snapshot(StateBuilder.SCANNED, Duration.ofMillis(3), sockets,
                owners), ResolvedNames.NONE, EvaluationOptions.forHost("web01").withProcessesMax(3));
        monitor.publish(new StateBuilder().build().withScan(StateBuilder.SCANNED, Duration.ofMillis(3), false, later));
        assertEquals(new TreeSet<>(List.of("portwatch:type=Agent", "portwatch:type=Process,name=d",
                "portwatch:type=Process,name=e", "portwatch:type=Process,name=other",
                "portwatch:type=Process,name=other_")), names());
        assertArrayEquals(new int[] {101}, (int[]) get("portwatch:type=Process,name=other_", "Pids"));
        assertArrayEquals(new int[] {100, 102, 103}, (int[]) get(other, "Pids"));
    }

    @Test
    void processesWithoutSocketsGetNoMBean() throws Exception {
        publisher.register();
        monitor.publish(new StateBuilder().results(List.of(), List.of(), List.of(process("idle", 7, "nobody"))).build());

        assertEquals(Set.of("portwatch:type=Agent"), names());
    }

    @Test
    void attributesReadTheLatestStateNotACopy() throws Exception {
        publisher.register();
        monitor.publish(typical());

        monitor.swapOnly(new StateBuilder().results(List.of(listening("ssh-22", 22, Health.YELLOW)), List.of(), List.of()).build());

        assertEquals(1, get("portwatch:type=ListeningPort,name=ssh-22", "Health"));
        assertEquals("ssh-22 is YELLOW", get("portwatch:type=ListeningPort,name=ssh-22", "Reason"));
        // gone from the swapped state, not yet unregistered: the last published result is read
        assertEquals(2, get("portwatch:type=ListeningPort,name=web-80", "Health"));
        assertEquals(3, get("portwatch:type=Process,name=java", "Total"));
    }

    @Test
    void healthChangeSendsAnAttributeChangeNotification() throws Exception {
        publisher.register();
        monitor.publish(typical());
        List<Notification> received = Collections.synchronizedList(new ArrayList<>());
        NotificationListener listener = (n, handback) -> received.add(n);
        ObjectName ssh = new ObjectName("portwatch:type=ListeningPort,name=ssh-22");
        ObjectName db = new ObjectName("portwatch:type=TcpConnection,name=db");
        server.addNotificationListener(ssh, listener, null, null);
        server.addNotificationListener(db, listener, null, null);

        monitor.publish(new StateBuilder().results(
                List.of(listening("ssh-22", 22, Health.RED), listening("web-80", 80, Health.RED)),
                List.of(connection("db", Health.GREEN, Map.of(SocketState.ESTABLISHED, 1), DB)),
                List.of()).build());

        assertEquals(1, received.size(), received.toString());
        AttributeChangeNotification n = assertInstanceOf(AttributeChangeNotification.class, received.get(0));
        assertEquals("jmx.attribute.change", n.getType());
        assertEquals(ssh, n.getSource());
        assertEquals("Health", n.getAttributeName());
        assertEquals("int", n.getAttributeType());
        assertEquals(0, n.getOldValue());
        assertEquals(2, n.getNewValue());
        assertEquals(StateBuilder.SCANNED.toEpochMilli(), n.getTimeStamp());
        assertEquals("ssh-22: health GREEN -> RED (ssh-22 is RED)", n.getMessage());
        server.removeNotificationListener(ssh, listener);
        server.removeNotificationListener(db, listener);
    }

    @Test
    void unchangedHealthSendsNoNotification() throws Exception {
        publisher.register();
        monitor.publish(typical());
        List<Notification> received = Collections.synchronizedList(new ArrayList<>());
        NotificationListener listener = (n, handback) -> received.add(n);
        ObjectName ssh = new ObjectName("portwatch:type=ListeningPort,name=ssh-22");
        server.addNotificationListener(ssh, listener, null, null);

        monitor.publish(typical());
        monitor.publish(monitor.get().withScanFailure(java.time.Duration.ofMillis(1), false, "boom"));

        assertEquals(List.of(), received);
        server.removeNotificationListener(ssh, listener);
    }

    @Test
    void operationsCallTheControl() throws Exception {
        publisher.register();
        ObjectName agent = new ObjectName("portwatch:type=Agent");

        server.invoke(agent, "scanNow", new Object[0], new String[0]);
        server.invoke(agent, "scanNow", null, null);
        server.invoke(agent, "reloadDefinitions", new Object[0], new String[0]);

        assertEquals(2, control.scans());
        assertEquals(1, control.reloads());
        assertEquals(Set.of("scanNow", "reloadDefinitions"), Arrays.stream(server.getMBeanInfo(agent).getOperations())
                .map(MBeanOperationInfo::getName).collect(Collectors.toSet()));
    }

    @Test
    void processNameNeedingQuotesRegistersAndReadsBack() throws Exception {
        publisher.register();
        monitor.publish(new StateBuilder().results(List.of(), List.of(), List.of(process("weird,name:x", 5, "u", SSH),
                process("star*", 6, "u", SSH), process("plain name (1)", 7, "u", SSH))).build());

        assertEquals(new TreeSet<>(List.of("portwatch:type=Agent", "portwatch:type=Process,name=\"weird,name:x\"",
                "portwatch:type=Process,name=\"star\\*\"", "portwatch:type=Process,name=plain name (1)")), names());
        assertEquals("weird,name:x", get("portwatch:type=Process,name=\"weird,name:x\"", "Name"));
        assertEquals("star*", get("portwatch:type=Process,name=\"star\\*\"", "Name"));
        assertEquals("plain name (1)", get("portwatch:type=Process,name=plain name (1)", "Name"));
    }

    @Test
    void aNameSomeoneElseRegisteredIsLeftAlone() throws Exception {
        ObjectName taken = new ObjectName("portwatch:type=ListeningPort,name=web-80");
        server.registerMBean(new StandardMBean(new Foreign(), ForeignMBean.class), taken);
        monitor.swapOnly(typical());

        publisher.register();
        monitor.publish(typical());
        assertEquals(6, names().size());
        assertEquals(7, server.getAttribute(taken, "Answer"));

        publisher.close();
        assertEquals(Set.of(taken.toString()), names());
    }

    @Test
    void closeUnregistersEverythingAndIgnoresLaterStates() throws Exception {
        publisher.register();
        monitor.publish(typical());

        publisher.close();
        assertEquals(Set.of(), names());
        monitor.publish(typical());
        publisher.register();
        assertEquals(Set.of(), names());
    }

    /** An MBean of another library that happens to use one of portwatch's names. */
    public interface ForeignMBean {
        int getAnswer();
    }

    static final class Foreign implements ForeignMBean {
        @Override
        public int getAnswer() {
            return 7;
        }
    }

    /** An MXBean {@code Map<String, Integer>} read back as a map. */
    static Map<String, Integer> map(TabularData table) {
        Map<String, Integer> out = new TreeMap<>();
        for (Object row : table.values()) {
            CompositeData c = (CompositeData) row;
            out.put((String) c.get("key"), (Integer) c.get("value"));
        }
        return out;
    }
}
