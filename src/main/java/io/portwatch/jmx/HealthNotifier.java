package io.portwatch.jmx;

import io.portwatch.health.Health;
import io.portwatch.health.RowResult;

import javax.management.AttributeChangeNotification;
import javax.management.MBeanNotificationInfo;
import javax.management.NotificationBroadcasterSupport;
import javax.management.ObjectName;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends a row MBean's {@code jmx.attribute.change} notification for {@code Health}. Listeners are called
 * on the scan thread (the JMX connectors only queue the notification there).
 */
final class HealthNotifier extends NotificationBroadcasterSupport {

    private static final MBeanNotificationInfo INFO = new MBeanNotificationInfo(
            new String[] {AttributeChangeNotification.ATTRIBUTE_CHANGE}, AttributeChangeNotification.class.getName(),
            "Sent when the row's health changes between two scans: attribute Health, old and new code"
                    + " (0 GREEN, 1 YELLOW, 2 RED)");

    private final ObjectName name;
    private final AtomicLong sequence = new AtomicLong();

    HealthNotifier(ObjectName name) {
        super(); // not super(INFO): that keeps a copy of the array per row MBean, 20,000 rows 20,000 copies
        this.name = name;
    }

    /** The one description of the notification, shared by every row MBean; a new array per call, as callers may. */
    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
        return new MBeanNotificationInfo[] {INFO};
    }

    void changed(Health before, RowResult now) {
        AttributeChangeNotification n = new AttributeChangeNotification(name, sequence.incrementAndGet(),
                now.testedAt().toEpochMilli(), now.id() + ": health " + before + " -> " + now.health() + " ("
                + now.reason() + ")", "Health", "int", before.code(), now.health().code());
        sendNotification(n);
    }
}
