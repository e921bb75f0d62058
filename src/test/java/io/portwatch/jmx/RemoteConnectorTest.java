package io.portwatch.jmx;

import io.portwatch.health.Health;
import io.portwatch.scan.SocketState;
import io.portwatch.testing.CountingControl;
import io.portwatch.testing.FakeMonitor;
import io.portwatch.testing.StateBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.Attribute;
import javax.management.AttributeChangeNotification;
import javax.management.AttributeList;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.portwatch.testing.Sockets.listen;
import static io.portwatch.testing.Sockets.outgoing;
import static io.portwatch.testing.StateBuilder.connection;
import static io.portwatch.testing.StateBuilder.listening;
import static io.portwatch.testing.StateBuilder.process;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a JConsole or VisualVM sees: every value crosses a real RMI connector (so it must be a
 * serializable open type), the MXBean interfaces work as client proxies, and notifications arrive.
 * The connector is the test's, on loopback; the product never opens one.
 */
class RemoteConnectorTest {

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final FakeMonitor monitor = new FakeMonitor();
    private final CountingControl control = new CountingControl();
    private JmxPublisher publisher;
    private JMXConnectorServer connectorServer;
    private JMXConnector connector;
    private MBeanServerConnection remote;

    @BeforeEach
    void start() throws Exception {
        publisher = new JmxPublisher(server, monitor, control);
        monitor.onPublish(publisher::published);
        publisher.register();
        monitor.publish(new StateBuilder().results(
                List.of(listening("ssh-22", 22, Health.GREEN, listen(22, 812))),
                List.of(connection("db", Health.GREEN, Map.of(SocketState.ESTABLISHED, 1),
                        outgoing("10.0.0.5", 1433, SocketState.ESTABLISHED, 900))),
                List.of(process("weird,name:x", 812, "root", listen(22, 812)))).build());
        Map<String, Object> env = Map.of(
                RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, new Loopback(),
                RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, new Loopback());
        connectorServer = JMXConnectorServerFactory.newJMXConnectorServer(new JMXServiceURL("service:jmx:rmi://127.0.0.1"),
                env, server);
        connectorServer.start();
        connector = JMXConnectorFactory.connect(connectorServer.getAddress());
        remote = connector.getMBeanServerConnection();
    }

    @AfterEach
    void stop() throws Exception {
        if (connector != null) {
            connector.close();
        }
        if (connectorServer != null) {
            connectorServer.stop();
        }
        publisher.close();
    }

    @Test
    void everyAttributeCrossesTheConnectorUnchanged() throws Exception {
        for (ObjectName name : remote.queryNames(Names.all(), null)) {
            String[] attributes = Arrays.stream(remote.getMBeanInfo(name).getAttributes())
                    .map(MBeanAttributeInfo::getName).toArray(String[]::new);
            AttributeList values = remote.getAttributes(name, attributes);
            assertEquals(attributes.length, values.size(), name + ": " + values);
            for (Attribute a : values.asList()) {
                Object local = server.getAttribute(name, a.getName());
                assertTrue(Objects.deepEquals(local, a.getValue()), name + " " + a.getName() + ": " + a.getValue());
            }
        }
    }

    @Test
    void mxbeanInterfacesWorkAsClientProxies() throws Exception {
        AgentMXBean agent = JMX.newMXBeanProxy(remote, Names.agent(), AgentMXBean.class);
        ListeningPortMXBean ssh = JMX.newMXBeanProxy(remote, Names.of(Names.LISTENING_PORT, "ssh-22"),
                ListeningPortMXBean.class);
        TcpConnectionMXBean db = JMX.newMXBeanProxy(remote, Names.of(Names.TCP_CONNECTION, "db"),
                TcpConnectionMXBean.class);
        ProcessMXBean weird = JMX.newMXBeanProxy(remote, Names.of(Names.PROCESS, "weird,name:x"), ProcessMXBean.class);

        assertEquals("GREEN", agent.getWorstHealthName());
        assertEquals("22", ssh.getLocalPort());
        assertEquals(Map.of("ESTABLISHED", 1), db.getSocketsByState());
        assertEquals("weird,name:x", weird.getName());
        assertEquals(Map.of("LISTEN", 1), weird.getTcpByState());
        agent.scanNow();
        assertEquals(1, control.scans());
    }

    @Test
    void healthChangeNotificationReachesARemoteListener() throws Exception {
        LinkedBlockingQueue<Notification> received = new LinkedBlockingQueue<>();
        ObjectName ssh = Names.of(Names.LISTENING_PORT, "ssh-22");
        remote.addNotificationListener(ssh, (n, handback) -> received.add(n), null, null);

        monitor.publish(new StateBuilder().results(List.of(listening("ssh-22", 22, Health.RED)), List.of(), List.of()).build());

        Notification n = received.poll(30, TimeUnit.SECONDS);
        assertNotNull(n, "no notification within 30 s");
        AttributeChangeNotification change = assertInstanceOf(AttributeChangeNotification.class, n);
        assertEquals("Health", change.getAttributeName());
        assertEquals(0, change.getOldValue());
        assertEquals(2, change.getNewValue());
        assertEquals(ssh, change.getSource());
    }

    /** RMI sockets on loopback only, both ends. */
    static final class Loopback implements RMIServerSocketFactory, RMIClientSocketFactory, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public ServerSocket createServerSocket(int port) throws java.io.IOException {
            return new ServerSocket(port, 0, InetAddress.getLoopbackAddress());
        }

        @Override
        public Socket createSocket(String host, int port) throws java.io.IOException {
            return new Socket(InetAddress.getLoopbackAddress(), port);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Loopback;
        }

        @Override
        public int hashCode() {
            return Loopback.class.hashCode();
        }
    }
}
