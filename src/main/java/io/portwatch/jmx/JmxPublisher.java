package io.portwatch.jmx;

import io.portwatch.health.Health;
import io.portwatch.state.MonitorControl;
import io.portwatch.state.MonitorState;
import io.portwatch.health.RowResult;
import io.portwatch.state.StateListener;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Publishes the monitor's state as MXBeans (docs/design.md §4): {@code portwatch:type=Agent}, one
 * {@code ListeningPort} and one {@code TcpConnection} per evaluated row, one {@code Process} per process
 * name with sockets in the evaluation (which caps the names at {@code processes.max} and sums the rest
 * as {@code other}, so a local user starting many processes cannot make many MBeans). Each published state registers the MBeans of new items, unregisters those of
 * vanished ones and sends a row's {@code jmx.attribute.change} notification when its health changed.
 * The MBeans read the latest state whenever they are read; they hold no values of their own.
 *
 * <p>A name someone else has registered is left alone, with one log line, and tried again at the next
 * state. Nothing here throws into the scan thread.
 */
public final class JmxPublisher implements StateListener, AutoCloseable {

    private static final System.Logger LOG = System.getLogger("io.portwatch");

    private final MBeanServer server;
    private final Supplier<MonitorState> state;
    private final MonitorControl control;
    private final StateIndex index;
    private final Object lock = new Object();
    private final Family listening;
    private final Family connections;
    private final Family processes;
    private boolean agentRegistered;
    private boolean agentRefused;
    private boolean closed;

    /**
     * @param server  where to register, normally {@code ManagementFactory.getPlatformMBeanServer()}
     * @param state   the last published state; called whenever an attribute is read, must not block
     * @param control what the Agent's operations call
     */
    public JmxPublisher(MBeanServer server, Supplier<MonitorState> state, MonitorControl control) {
        this.server = Objects.requireNonNull(server, "server");
        this.state = Objects.requireNonNull(state, "state");
        this.control = Objects.requireNonNull(control, "control");
        this.index = new StateIndex(state);
        this.listening = new Family(Names.LISTENING_PORT, (id, name) -> {
            HealthNotifier notifier = new HealthNotifier(name);
            return new Registered(name, Descriptions.mxbean(new ListeningPortView(id, index), ListeningPortMXBean.class,
                    notifier), notifier);
        });
        this.connections = new Family(Names.TCP_CONNECTION, (id, name) -> {
            HealthNotifier notifier = new HealthNotifier(name);
            return new Registered(name, Descriptions.mxbean(new TcpConnectionView(id, index), TcpConnectionMXBean.class,
                    notifier), notifier);
        });
        this.processes = new Family(Names.PROCESS, (process, name) ->
                new Registered(name, Descriptions.mxbean(new ProcessView(process, index), ProcessMXBean.class), null));
    }

    /** Registers {@code portwatch:type=Agent} and the MBeans of the current state's rows and processes. */
    public void register() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (!agentRegistered) {
                ObjectName name = Names.agent();
                agentRegistered = register(name, Descriptions.mxbean(new AgentView(state, control), AgentMXBean.class),
                        agentRefused);
                agentRefused = !agentRegistered;
            }
            sync(index.publish(state.get()));
        }
    }

    /** Follows the rows and processes of {@code current}; notifies health changes since {@code previous}. */
    @Override
    public void published(MonitorState previous, MonitorState current) {
        try {
            synchronized (lock) {
                if (closed) {
                    return;
                }
                StateIndex.Index now = index.publish(current);
                sync(now);
                if (previous != null && previous.evaluation() != current.evaluation()) {
                    StateIndex.Index before = StateIndex.Index.of(previous);
                    notifyChanges(before.listening(), now.listening(), listening);
                    notifyChanges(before.connections(), now.connections(), connections);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "portwatch: publishing MBeans failed: " + e);
        }
    }

    /** Unregisters every MBean this publisher registered; later states are ignored. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            listening.clear();
            connections.clear();
            processes.clear();
            if (agentRegistered) {
                unregister(Names.agent());
                agentRegistered = false;
            }
        }
    }

    private void sync(StateIndex.Index now) {
        listening.sync(now.listening().keySet());
        connections.sync(now.connections().keySet());
        processes.sync(now.processes().keySet());
    }

    private static void notifyChanges(Map<String, ? extends RowResult> before, Map<String, ? extends RowResult> now,
                                      Family family) {
        now.forEach((id, result) -> {
            RowResult old = before.get(id);
            Registered r = family.registered.get(id);
            if (old != null && old.health() != result.health() && r != null && r.notifier() != null) {
                Health was = old.health();
                try {
                    r.notifier().changed(was, result);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "portwatch: notifying a health change of " + r.name() + " failed: " + e);
                }
            }
        });
    }

    /** Registers; when the name is taken or registration fails, logs unless {@code logged} and returns false. */
    private boolean register(ObjectName name, Object mbean, boolean logged) {
        try {
            server.registerMBean(mbean, name);
            return true;
        } catch (InstanceAlreadyExistsException e) {
            if (!logged) {
                LOG.log(Level.WARNING, "portwatch: " + name + " is already registered by someone else; leaving it");
            }
        } catch (JMException | RuntimeException e) {
            if (!logged) {
                LOG.log(Level.WARNING, "portwatch: cannot register " + name + ": " + e);
            }
        }
        return false;
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone: someone unregistered it
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "portwatch: cannot unregister " + name + ": " + e);
        }
    }

    /** A registered MBean; {@code notifier} is null for MBeans without notifications. */
    private record Registered(ObjectName name, Object mbean, HealthNotifier notifier) {
    }

    /** The MBeans of one type, by id or process name. Used under {@link #lock}. */
    private final class Family {
        private final String type;
        private final BiFunction<String, ObjectName, Registered> create;
        private final Map<String, Registered> registered = new HashMap<>();
        private final Set<String> refused = new HashSet<>();

        Family(String type, BiFunction<String, ObjectName, Registered> create) {
            this.type = type;
            this.create = create;
        }

        void sync(Set<String> wanted) {
            for (Iterator<Map.Entry<String, Registered>> it = registered.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Registered> e = it.next();
                if (!wanted.contains(e.getKey())) {
                    unregister(e.getValue().name());
                    it.remove();
                }
            }
            refused.retainAll(wanted);
            for (String key : wanted) {
                if (registered.containsKey(key)) {
                    continue;
                }
                ObjectName name = Names.of(type, key);
                Registered r = create.apply(key, name);
                if (register(name, r.mbean(), refused.contains(key))) {
                    registered.put(key, r);
                    refused.remove(key);
                } else {
                    refused.add(key);
                }
            }
        }

        void clear() {
            registered.values().forEach(r -> unregister(r.name()));
            registered.clear();
            refused.clear();
        }
    }
}
