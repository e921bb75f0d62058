package io.portwatch.scan;

import java.util.Locale;

/**
 * What a socket source reads beyond its platform's tables (Linux only; other sources ignore both).
 *
 * @param allNamespaces  every network namespace of a visible process (setting {@code namespaces=all}), or only
 *                       portwatch's own ({@code own})
 * @param listenBacklogs ask {@code ss} for the backlog of TCP listeners not seen before (setting
 *                       {@code scan.listenBacklog=ss}): the one child process portwatch starts; {@code off} leaves
 *                       backlogs unknown, so a full accept queue cannot turn a row YELLOW
 */
public record ScanOptions(boolean allNamespaces, boolean listenBacklogs) {

    /** Every namespace, backlogs from {@code ss}: the defaults. */
    public static final ScanOptions DEFAULT = new ScanOptions(true, true);

    /**
     * From the settings' values: {@code namespaces} ({@code all|own}) and {@code scan.listenBacklog}
     * ({@code auto|ss|off}; {@code auto} is {@code ss} when portwatch runs in a JVM of its own, {@code off} as an
     * agent, so that it starts no child process of someone else's JVM).
     */
    public static ScanOptions of(String namespaces, String listenBacklog, boolean ownJvm) {
        String backlog = listenBacklog.toLowerCase(Locale.ROOT);
        return new ScanOptions(!"own".equals(namespaces.toLowerCase(Locale.ROOT)),
                "ss".equals(backlog) || "auto".equals(backlog) && ownJvm);
    }
}
