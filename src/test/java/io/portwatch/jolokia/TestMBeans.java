package io.portwatch.jolokia;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Stand-ins for portwatch's MXBeans, registered in the platform MBeanServer for a test and
 * unregistered by {@link #close()}.
 */
public final class TestMBeans implements AutoCloseable {

    /** Like portwatch's ListeningPort MXBean: a read-only health and one harmless operation. */
    public interface ListeningPortMXBean {
        int getHealth();

        String getLabel();

        void setLabel(String label);

        String getBroken();

        void resetCounters();
    }

    /** Like portwatch's Agent MXBean: the two allowed operations and one that must stay refused. */
    public interface AgentMXBean {
        int getScans();

        void scanNow();

        void reloadDefinitions();

        void shutdown();
    }

    public static final class ListeningPort implements ListeningPortMXBean {
        private final int health;
        private volatile String label = "original";
        public final AtomicInteger resets = new AtomicInteger();

        public ListeningPort(int health) {
            this.health = health;
        }

        @Override
        public int getHealth() {
            return health;
        }

        @Override
        public String getLabel() {
            return label;
        }

        @Override
        public void setLabel(String label) {
            this.label = label;
        }

        @Override
        public String getBroken() {
            throw new IllegalStateException("secret detail from the getter");
        }

        @Override
        public void resetCounters() {
            resets.incrementAndGet();
        }
    }

    public static final class Agent implements AgentMXBean {
        public final AtomicInteger scans = new AtomicInteger();
        public final AtomicInteger reloads = new AtomicInteger();
        public final AtomicInteger shutdowns = new AtomicInteger();

        @Override
        public int getScans() {
            return scans.get();
        }

        @Override
        public void scanNow() {
            scans.incrementAndGet();
        }

        @Override
        public void reloadDefinitions() {
            reloads.incrementAndGet();
        }

        @Override
        public void shutdown() {
            shutdowns.incrementAndGet();
        }
    }

    /** A string attribute whose getter counts its calls: shows which requests of a bulk ran. */
    public interface TextMXBean {
        String getText();
    }

    public static final class Text implements TextMXBean {
        private final String text;
        public final AtomicInteger reads = new AtomicInteger();

        public Text(String text) {
            this.text = text;
        }

        @Override
        public String getText() {
            reads.incrementAndGet();
            return text;
        }
    }

    /** A getter that waits until the test opens it: holds a request running. */
    public interface GateMXBean {
        String getWait();
    }

    public static final class Gate implements GateMXBean {
        public final java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        public final AtomicInteger waiting = new AtomicInteger();

        @Override
        public String getWait() {
            waiting.incrementAndGet();
            try {
                open.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "opened";
        }
    }

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final List<ObjectName> names = new ArrayList<>();

    /** Registers {@code bean} under {@code name}, replacing what another test may have left. */
    public <T> T register(String name, T bean) throws JMException {
        ObjectName objectName = new ObjectName(name);
        if (server.isRegistered(objectName)) {
            server.unregisterMBean(objectName);
        }
        server.registerMBean(bean, objectName);
        names.add(objectName);
        return bean;
    }

    @Override
    public void close() throws JMException {
        for (ObjectName name : names) {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        }
        names.clear();
    }
}
