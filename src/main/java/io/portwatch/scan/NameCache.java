package io.portwatch.scan;

import io.portwatch.support.DaemonThreads;
import io.portwatch.support.Errors;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Resolves the {@code remoteName}s of connection rows to all their A and AAAA addresses, off the
 * scan path: lookups run on one daemon thread ({@code portwatch-dns}) at start, whenever the wanted
 * names change, and every refresh period. A scan reads {@link #current()}, which never blocks.
 */
public final class NameCache implements AutoCloseable {

    /** Looks up every address of a name (the JDK resolver in production). */
    @FunctionalInterface
    public interface Lookup {
        List<InetAddress> all(String name) throws UnknownHostException;
    }

    /** The JDK's resolver. */
    public static final Lookup SYSTEM = name -> Arrays.asList(InetAddress.getAllByName(name));

    private final Lookup lookup;
    private final ScheduledExecutorService executor;
    private volatile Set<String> wanted = Set.of();
    private volatile ResolvedNames current = ResolvedNames.NONE;

    public NameCache(Lookup lookup, Duration refresh) {
        this.lookup = lookup;
        this.executor = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("portwatch-dns"));
        long period = Math.max(1, refresh.toSeconds());
        executor.scheduleWithFixedDelay(this::refreshQuietly, period, period, TimeUnit.SECONDS);
    }

    /** Sets the names to keep resolved; new names are looked up soon, off the caller's thread. */
    public void want(Set<String> names) {
        Set<String> normalized = new TreeSet<>();
        names.forEach(n -> normalized.add(n.toLowerCase(Locale.ROOT)));
        if (!normalized.equals(wanted)) {
            wanted = Set.copyOf(normalized);
            executor.execute(this::refreshQuietly);
        }
    }

    /** What the wanted names resolved to at the last lookup; never blocks. */
    public ResolvedNames current() {
        return current;
    }

    /**
     * Resolves names on the caller's thread (for one-shot commands that have no scan loop).
     */
    public static ResolvedNames resolveNow(Lookup lookup, Set<String> names) {
        Map<String, Resolution> out = new HashMap<>();
        for (String name : names) {
            out.put(name.toLowerCase(Locale.ROOT), resolve(lookup, name));
        }
        return new ResolvedNames(out);
    }

    private void refreshQuietly() {
        try {
            current = resolveNow(lookup, wanted);
        } catch (RuntimeException e) {
            // keep the last answers; the next refresh tries again
        }
    }

    private static Resolution resolve(Lookup lookup, String name) {
        try {
            List<InetAddress> all = lookup.all(name);
            return all.isEmpty() ? Resolution.failed("no A or AAAA record") : Resolution.of(all);
        } catch (UnknownHostException e) {
            return Resolution.failed("unknown host");
        } catch (RuntimeException e) {
            return Resolution.failed(Errors.text(e));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
