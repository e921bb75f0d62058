package io.portwatch.jmx;

import io.portwatch.health.Health;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.CountingControl;
import io.portwatch.testing.FakeMonitor;
import io.portwatch.testing.StateBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.portwatch.testing.Sockets.listen;
import static io.portwatch.testing.Sockets.outgoing;
import static io.portwatch.testing.StateBuilder.connection;
import static io.portwatch.testing.StateBuilder.listening;
import static io.portwatch.testing.StateBuilder.process;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documented MBeans (docs/metrics.md, "MBeans") are what the MBeans serve: the overview table lists every MBean
 * type with its operations, and the attribute table under each type's heading ({@code ### Agent}) lists exactly its
 * attributes.
 */
class MBeansTableTest {

    /** The page holding the tables, relative to the project root. */
    static final Path TABLE = Path.of("docs", "metrics.md");

    private static final Pattern ROW = Pattern.compile("^\\|\\s*`(portwatch:type=(\\w+)[^`]*)`\\s*\\|([^|]*)\\|([^|]*)\\|\\s*$");
    private static final String ATTRIBUTE_HEADER = "| attribute | meaning |";
    private static final Pattern ATTRIBUTE_ROW = Pattern.compile("^\\|\\s*`(\\w+)`\\s*\\|.*");
    private static final Pattern OPERATION = Pattern.compile("`(\\w+)\\(\\)`");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FakeMonitor monitor = new FakeMonitor();
    private final JmxPublisher publisher = new JmxPublisher(server, monitor, new CountingControl());

    @AfterEach
    void stop() {
        publisher.close();
    }

    /** One documented MBean. */
    record Documented(String name, List<String> attributes, List<String> operations) {
    }

    static Map<String, Documented> table() throws Exception {
        List<String> lines = Files.readAllLines(Path.of(System.getProperty("basedir", ".")).resolve(TABLE),
                StandardCharsets.UTF_8);
        Map<String, Documented> byType = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                continue;
            }
            Documented d = new Documented(m.group(1), attributes(lines, m.group(2)), all(OPERATION, m.group(4)));
            assertEquals(null, byType.put(m.group(2), d), "type " + m.group(2) + " twice in " + TABLE);
        }
        return byType;
    }

    /** The first cells of the attribute table under the heading {@code ### type}. */
    private static List<String> attributes(List<String> lines, String type) {
        int heading = lines.indexOf("### " + type);
        assertTrue(heading >= 0, () -> TABLE + " has no heading ### " + type);
        int header = lines.subList(heading, lines.size()).indexOf(ATTRIBUTE_HEADER);
        assertTrue(header >= 0, () -> TABLE + " has no " + ATTRIBUTE_HEADER + " after ### " + type);
        List<String> out = new ArrayList<>();
        for (String line : lines.subList(heading + header + 2, lines.size())) {
            if (!line.startsWith("|")) {
                break;
            }
            Matcher m = ATTRIBUTE_ROW.matcher(line);
            assertTrue(m.matches(), () -> "not an attribute row under ### " + type + ": " + line);
            out.add(m.group(1));
        }
        return out;
    }

    private static List<String> all(Pattern p, String cell) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void tableListsWhatTheMBeansServe() throws Exception {
        monitor.onPublish(publisher::published);
        publisher.register();
        monitor.publish(new StateBuilder().results(List.of(listening("ssh-22", 22, Health.GREEN, listen(22, 812))),
                List.of(connection("db", Health.GREEN, Map.of(SocketState.ESTABLISHED, 1))),
                List.of(process("sshd", 812, "root", listen(22, 812)))).build());
        Map<String, Documented> table = table();

        Set<String> served = server.queryNames(Names.all(), null).stream().map(n -> n.getKeyProperty("type"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(served, new TreeSet<>(table.keySet()), "MBean types in " + TABLE);
        for (Map.Entry<String, Documented> e : table.entrySet()) {
            Documented d = e.getValue();
            assertEquals(Set.copyOf(d.attributes()).size(), d.attributes().size(), "duplicate attribute in " + d.name());
            ObjectName name = server.queryNames(new ObjectName("portwatch:type=" + e.getKey() + ",*"), null)
                    .iterator().next();
            MBeanInfo info = server.getMBeanInfo(name);
            assertEquals(new TreeSet<>(d.attributes()), Arrays.stream(info.getAttributes()).map(MBeanAttributeInfo::getName)
                    .collect(Collectors.toCollection(TreeSet::new)), "attributes of " + d.name() + " in " + TABLE);
            assertEquals(new TreeSet<>(d.operations()), Arrays.stream(info.getOperations()).map(MBeanOperationInfo::getName)
                    .collect(Collectors.toCollection(TreeSet::new)), "operations of " + d.name() + " in " + TABLE);
        }
        assertTrue(table.get("Process").name().endsWith("name=<process name>"), table.get("Process").name());
    }
}
