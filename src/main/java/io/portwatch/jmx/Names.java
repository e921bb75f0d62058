package io.portwatch.jmx;

import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** The ObjectNames of docs/design.md §4. */
final class Names {

    static final String DOMAIN = "portwatch";
    static final String AGENT = "Agent";
    static final String LISTENING_PORT = "ListeningPort";
    static final String TCP_CONNECTION = "TcpConnection";
    static final String PROCESS = "Process";

    private Names() {
    }

    /** {@code portwatch:type=Agent}. */
    static ObjectName agent() {
        return name(DOMAIN + ":type=" + AGENT);
    }

    /** {@code portwatch:type=<type>,name=<name>}, the name quoted only when it must be. */
    static ObjectName of(String type, String name) {
        return name(DOMAIN + ":type=" + type + ",name=" + value(name));
    }

    /** Every pattern ObjectName of portwatch's MBeans: {@code portwatch:*}. */
    static ObjectName all() {
        return name(DOMAIN + ":*");
    }

    /**
     * The value as it may stand in an ObjectName: as it is when it can (ids, most process names), else
     * {@link ObjectName#quote quoted} — when empty, or holding one of {@code , = : " * ?} or a newline
     * (a {@code *} or {@code ?} unquoted would make the name a pattern).
     */
    static String value(String raw) {
        if (raw.isEmpty()) {
            return ObjectName.quote(raw);
        }
        for (int i = 0; i < raw.length(); i++) {
            if (",=:\"*?\n".indexOf(raw.charAt(i)) >= 0) {
                return ObjectName.quote(raw);
            }
        }
        return raw;
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e.getMessage() + ": " + text, e);
        }
    }
}
