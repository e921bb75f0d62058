package io.portwatch.jmx;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.NotificationEmitter;
import javax.management.StandardEmitterMBean;
import javax.management.StandardMBean;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Description}s of one MXBean interface, by attribute and operation name, and the two
 * {@link StandardMBean} flavours that put them into {@link MBeanInfo}. Every operation is
 * {@link MBeanOperationInfo#ACTION}: portwatch has no read-only operations (attributes do that).
 */
final class Descriptions {

    /**
     * One {@link MBeanInfo} per MXBean interface, implementation class and notifications, shared by
     * all their MBeans: {@link StandardMBean} otherwise keeps a copy per MBean, and 10,000 rows would
     * carry 10,000 copies of the same attribute descriptions (about 3 KB each).
     */
    private static final Map<List<Object>, MBeanInfo> SHARED = new ConcurrentHashMap<>();

    private static final Map<Class<?>, Descriptions> BY_INTERFACE = new ConcurrentHashMap<>();

    private final String mbean;
    private final Map<String, String> attributes = new HashMap<>();
    private final Map<String, String> operations = new HashMap<>();

    private Descriptions(Class<?> mxbean) {
        Description type = mxbean.getAnnotation(Description.class);
        this.mbean = type == null ? "" : type.value();
        for (Method m : mxbean.getMethods()) {
            Description d = m.getAnnotation(Description.class);
            if (d == null) {
                continue;
            }
            String name = m.getName();
            if (m.getParameterCount() == 0 && name.startsWith("get") && name.length() > 3
                    && m.getReturnType() != void.class) {
                attributes.put(name.substring(3), d.value());
            } else if (m.getParameterCount() == 0 && name.startsWith("is") && name.length() > 2
                    && m.getReturnType() == boolean.class) {
                attributes.put(name.substring(2), d.value());
            } else {
                operations.put(name, d.value());
            }
        }
    }

    private String mbean(MBeanInfo info) {
        return mbean.isEmpty() ? info.getDescription() : mbean;
    }

    private String attribute(MBeanAttributeInfo info) {
        return attributes.getOrDefault(info.getName(), info.getDescription());
    }

    private String operation(MBeanOperationInfo info) {
        return operations.getOrDefault(info.getName(), info.getDescription());
    }

    /** An MXBean without notifications. */
    static <T> StandardMBean mxbean(T implementation, Class<T> mxbean) {
        return new Described<>(implementation, mxbean);
    }

    /** An MXBean that sends notifications through {@code emitter}. */
    static <T> StandardEmitterMBean mxbean(T implementation, Class<T> mxbean, NotificationEmitter emitter) {
        return new DescribedEmitter<>(implementation, mxbean, emitter);
    }

    /**
     * What both MBean flavours customise: the descriptions of their interface and the shared
     * {@link MBeanInfo} under {@code key}. Java gives the two no common base to put the overrides in,
     * so each delegates here in one line.
     */
    private static final class Customization {
        private final Descriptions descriptions;
        private final List<Object> key;

        Customization(Class<?> mxbean, List<Object> key) {
            this.descriptions = BY_INTERFACE.computeIfAbsent(mxbean, Descriptions::new);
            this.key = key;
        }

        MBeanInfo cached() {
            return SHARED.get(key);
        }

        void cache(MBeanInfo info) {
            if (info != null) { // StandardMBean clears its cache with null; the shared one stays
                SHARED.putIfAbsent(key, info);
            }
        }
    }

    private static final class Described<T> extends StandardMBean {
        private final Customization custom;

        Described(T implementation, Class<T> mxbean) {
            super(implementation, mxbean, true);
            this.custom = new Customization(mxbean, List.of(mxbean, implementation.getClass()));
        }

        @Override
        protected MBeanInfo getCachedMBeanInfo() {
            return custom.cached();
        }

        @Override
        protected void cacheMBeanInfo(MBeanInfo info) {
            custom.cache(info);
        }

        @Override
        protected String getDescription(MBeanInfo info) {
            return custom.descriptions.mbean(info);
        }

        @Override
        protected String getDescription(MBeanAttributeInfo info) {
            return custom.descriptions.attribute(info);
        }

        @Override
        protected String getDescription(MBeanOperationInfo info) {
            return custom.descriptions.operation(info);
        }

        @Override
        protected int getImpact(MBeanOperationInfo info) {
            return MBeanOperationInfo.ACTION;
        }
    }

    private static final class DescribedEmitter<T> extends StandardEmitterMBean {
        private final Customization custom;

        DescribedEmitter(T implementation, Class<T> mxbean, NotificationEmitter emitter) {
            super(implementation, mxbean, true, emitter);
            this.custom = new Customization(mxbean,
                    List.of(mxbean, implementation.getClass(), List.of(emitter.getNotificationInfo())));
        }

        @Override
        protected MBeanInfo getCachedMBeanInfo() {
            return custom.cached();
        }

        @Override
        protected void cacheMBeanInfo(MBeanInfo info) {
            custom.cache(info);
        }

        @Override
        protected String getDescription(MBeanInfo info) {
            return custom.descriptions.mbean(info);
        }

        @Override
        protected String getDescription(MBeanAttributeInfo info) {
            return custom.descriptions.attribute(info);
        }

        @Override
        protected String getDescription(MBeanOperationInfo info) {
            return custom.descriptions.operation(info);
        }

        @Override
        protected int getImpact(MBeanOperationInfo info) {
            return MBeanOperationInfo.ACTION;
        }
    }
}
