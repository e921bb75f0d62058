package io.portwatch.scan.linux;

import io.portwatch.support.DaemonThreads;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The socket tables of every namespace other than the reader's, read by the scan thread and up to
 * {@link #helpers} more threads at once. Each read of a namespace's {@code tcp} table makes the kernel walk the
 * TCP hash table that the namespaces share (unless {@code net.ipv4.tcp_child_ehash_entries} gave them their own),
 * a cost in kernel time per namespace that only more CPUs shorten. The helpers are daemon threads named
 * {@code portwatch-netns-read-N}, started at the first scan that has two namespaces or more to read and ended
 * after a minute without work; with fewer than four CPUs there is one, with one CPU none. Each thread has its own
 * {@link TableReader}; the rows are joined in the namespaces' order, so a scan's result does not depend on which
 * thread read what. Not thread-safe: one scan at a time.
 */
final class NamespaceTables {

    private static final int MAX_HELPERS = 3;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Path procRoot;
    private final TableReader[] readers;
    private final int helpers;
    private final ThreadPoolExecutor pool;

    /** As many helpers as half the CPUs, at most {@value #MAX_HELPERS}. */
    static int defaultHelpers() {
        return Math.min(MAX_HELPERS, Runtime.getRuntime().availableProcessors() / 2);
    }

    NamespaceTables(Path procRoot, int helpers) {
        this.procRoot = procRoot;
        this.helpers = Math.max(0, helpers);
        this.readers = new TableReader[this.helpers + 1];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new TableReader(procRoot);
        }
        if (this.helpers == 0) {
            pool = null;
        } else {
            pool = new ThreadPoolExecutor(this.helpers, this.helpers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    task -> DaemonThreads.named("portwatch-netns-read-" + THREADS.incrementAndGet()).newThread(task));
            pool.allowCoreThreadTimeOut(true);
        }
    }

    /** Adds the sockets of every group, in the groups' order, to {@code rows}. */
    void read(List<NetNamespaces.Group> groups, SocketRows rows) throws IOException {
        if (groups.isEmpty()) {
            return;
        }
        SocketRows[] parts = new SocketRows[groups.size()];
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> started = new ArrayList<>();
        int wanted = pool == null ? 0 : Math.min(helpers, groups.size() - 1);
        for (int i = 1; i <= wanted; i++) {
            TableReader reader = readers[i];
            started.add(pool.submit(() -> {
                readEach(reader, groups, parts, next);
                return null;
            }));
        }
        IOException failure = null;
        try {
            readEach(readers[0], groups, parts, next);
        } catch (IOException e) {
            failure = e;
        }
        next.set(groups.size()); // a helper that has not started yet has nothing left to do
        for (Future<?> f : started) {
            try {
                f.get();
            } catch (InterruptedException e) {
                started.forEach(s -> s.cancel(true));
                for (int i = 1; i < readers.length; i++) { // a helper still parsing keeps its reader to itself
                    readers[i] = new TableReader(procRoot);
                }
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the namespaces' socket tables were read");
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof IOException io ? io
                            : new IOException("reading a namespace's socket tables failed: " + e.getCause(), e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        for (SocketRows part : parts) {
            rows.addAll(part);
        }
    }

    /** Takes the next unread group until none is left. */
    private static void readEach(TableReader reader, List<NetNamespaces.Group> groups, SocketRows[] parts,
                                 AtomicInteger next) throws IOException {
        for (int i; (i = next.getAndIncrement()) < groups.size(); ) {
            SocketRows part = new SocketRows(16);
            reader.read(groups.get(i), part);
            parts[i] = part;
        }
    }
}
