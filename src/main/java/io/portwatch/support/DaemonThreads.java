package io.portwatch.support;

import java.util.concurrent.ThreadFactory;

/**
 * Makes every thread portwatch starts: a daemon thread named {@code portwatch-*}, so that it never keeps the host JVM
 * alive and shows in a thread dump as ours (docs/design.md, "Never harm the host").
 */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * Threads named {@code name}.
     *
     * @throws IllegalArgumentException when {@code name} does not start with {@code portwatch-}
     */
    public static ThreadFactory named(String name) {
        if (!name.startsWith("portwatch-")) {
            throw new IllegalArgumentException("a portwatch thread name starts with portwatch-, found \"" + name + "\"");
        }
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts {@code task} on a new thread named {@code name}. */
    public static Thread start(String name, Runnable task) {
        Thread t = named(name).newThread(task);
        t.start();
        return t;
    }
}
