package io.portwatch.report;

import io.portwatch.scan.Addresses;
import io.portwatch.text.Printable;
import io.portwatch.support.DaemonThreads;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reverse DNS names of remote addresses for {@code report --resolve}: only the addresses a report
 * lists, looked up in parallel on a few daemon threads, each answer cached for the life of the object,
 * the whole bounded by a timeout (what does not answer in time is shown without a name).
 */
public final class ReverseDns implements ReportBuilder.Names {

    /** Looks up the name of one address; returns null or the address itself when there is none. */
    @FunctionalInterface
    public interface Lookup {
        String name(InetAddress address) throws Exception;
    }

    /** The JDK resolver (PTR records, /etc/hosts). */
    public static final Lookup SYSTEM = InetAddress::getCanonicalHostName;

    private static final int THREADS = 8;

    private final Lookup lookup;
    private final Duration timeout;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    public ReverseDns(Lookup lookup, Duration timeout) {
        this.lookup = lookup;
        this.timeout = timeout;
    }

    @Override
    public Map<String, String> of(Collection<String> addresses) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> todo = new ArrayList<>();
        for (String a : addresses) {
            String cached = cache.get(a);
            if (cached == null) {
                todo.add(a);
            } else if (!cached.isEmpty()) {
                out.put(a, cached);
            }
        }
        if (todo.isEmpty()) {
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, todo.size()),
                DaemonThreads.named("portwatch-rdns"));
        try {
            Map<String, Future<String>> pending = new HashMap<>();
            for (String a : todo) {
                pending.put(a, pool.submit(() -> name(a)));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (String a : todo) {
                try {
                    String name = pending.get(a).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    cache.put(a, name);
                    if (!name.isEmpty()) {
                        out.put(a, name);
                    }
                } catch (TimeoutException e) {
                    pending.get(a).cancel(true); // not cached: a later call may try again
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    cache.put(a, "");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private String name(String address) throws Exception {
        InetAddress a = Addresses.parseLiteral(address);
        String name = lookup.name(a);
        // a PTR answer is untrusted text: made printable where it enters, as the history's values are
        return name == null || name.equals(a.getHostAddress()) || name.equals(address) ? "" : Printable.of(name);
    }
}
