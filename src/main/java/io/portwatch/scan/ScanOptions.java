package io.portwatch.scan;

import java.util.Locale;
import java.util.Objects;

/**
 * What a socket source reads beyond its platform's tables (Linux only; other sources ignore them).
 *
 * @param allNamespaces  every network namespace of a visible process (setting {@code namespaces=all}), or only
 *                       portwatch's own ({@code own})
 * @param listenBacklogs with the {@code /proc} reader, ask {@code ss} for the backlog of TCP listeners not seen
 *                       before (setting {@code scan.listenBacklog=ss}): the one child process portwatch starts;
 *                       {@code off} leaves backlogs unknown, so a full accept queue cannot turn a row YELLOW. The
 *                       netlink reader has the backlogs itself and never runs {@code ss}
 * @param reader         how the own namespace's tables are read (setting {@code scan.reader}, as
 *                       {@link SocketReader#choose} decided); netlink falls back to {@code /proc} when it cannot open
 */
public record ScanOptions(boolean allNamespaces, boolean listenBacklogs, SocketReader reader) {

    /**
     * Every namespace, the {@code /proc} reader with backlogs from {@code ss}: what a source made without options
     * reads (loading no JNA); the settings' choice comes through {@link #of(String, String, String, boolean)}.
     */
    public static final ScanOptions DEFAULT = new ScanOptions(true, true, SocketReader.PROC);

    public ScanOptions {
        Objects.requireNonNull(reader, "reader");
    }

    /** With the {@code /proc} reader. */
    public ScanOptions(boolean allNamespaces, boolean listenBacklogs) {
        this(allNamespaces, listenBacklogs, SocketReader.PROC);
    }

    /**
     * From the settings' values: {@code namespaces} ({@code all|own}), {@code scan.listenBacklog}
     * ({@code auto|ss|off}; {@code auto} is {@code ss} when portwatch runs in a JVM of its own, {@code off} as an
     * agent, so that it starts no child process of someone else's JVM) and {@code scan.reader}
     * ({@code auto|netlink|proc}, {@link SocketReader#choose(String, boolean)}).
     */
    public static ScanOptions of(String namespaces, String listenBacklog, String reader, boolean ownJvm) {
        return of(namespaces, listenBacklog, SocketReader.choose(reader, ownJvm), ownJvm);
    }

    /** As {@link #of(String, String, String, boolean)} with the reader already chosen. */
    public static ScanOptions of(String namespaces, String listenBacklog, SocketReader reader, boolean ownJvm) {
        String backlog = listenBacklog.toLowerCase(Locale.ROOT);
        return new ScanOptions(!"own".equals(namespaces.toLowerCase(Locale.ROOT)),
                "ss".equals(backlog) || "auto".equals(backlog) && ownJvm, reader);
    }
}
