package io.portwatch.config;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One row of {@code monitoredTcpConnects.csv}: a TCP connection that should be up.
 *
 * @param id         stable identity (the {@code id} column, or derived from the row's own fields)
 * @param remoteIP   expected remote address, empty for any (or when only {@code remoteName} is given)
 * @param remoteName host name whose A/AAAA addresses count as the remote, "" for none
 * @param remotePort expected remote port or range
 * @param localPort  expected local port or range ({@link PortRange#ANY} unless given)
 * @param procName   expected owning process
 * @param comment    free text
 * @param host       glob on the host names this row applies to
 * @param minCount   least number of ESTABLISHED connections (default 1)
 * @param maxCount   most number of ESTABLISHED connections, empty for no limit
 * @param severity   severity when not GREEN
 * @param source     file and line
 * @param netns      the network namespace the row is about ({@link NetnsPattern#OWN} unless the column is given)
 * @param quality    limits on connection quality ({@code stallSeconds}, {@code maxRttMs}, {@code maxRetransPercent})
 */
public record ConnectionRow(String id, Optional<InetAddress> remoteIP, String remoteName, PortRange remotePort,
                            PortRange localPort, NamePattern procName, String comment, NamePattern host,
                            int minCount, OptionalInt maxCount, Severity severity, Source source, NetnsPattern netns,
                            QualityLimits quality) {

    /** A row without quality columns. */
    public ConnectionRow(String id, Optional<InetAddress> remoteIP, String remoteName, PortRange remotePort,
                         PortRange localPort, NamePattern procName, String comment, NamePattern host,
                         int minCount, OptionalInt maxCount, Severity severity, Source source, NetnsPattern netns) {
        this(id, remoteIP, remoteName, remotePort, localPort, procName, comment, host, minCount, maxCount, severity,
                source, netns, QualityLimits.NONE);
    }

    /** A row about portwatch's own namespace. */
    public ConnectionRow(String id, Optional<InetAddress> remoteIP, String remoteName, PortRange remotePort,
                         PortRange localPort, NamePattern procName, String comment, NamePattern host,
                         int minCount, OptionalInt maxCount, Severity severity, Source source) {
        this(id, remoteIP, remoteName, remotePort, localPort, procName, comment, host, minCount, maxCount, severity,
                source, NetnsPattern.OWN);
    }

    public ConnectionRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(remoteIP, "remoteIP");
        remoteName = remoteName == null ? "" : remoteName;
        Objects.requireNonNull(remotePort, "remotePort");
        Objects.requireNonNull(localPort, "localPort");
        Objects.requireNonNull(procName, "procName");
        comment = comment == null ? "" : comment;
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(maxCount, "maxCount");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(netns, "netns");
        Objects.requireNonNull(quality, "quality");
        if (minCount < 0) {
            throw new IllegalArgumentException("minCount must be >= 0: " + minCount);
        }
        if (maxCount.isPresent() && maxCount.getAsInt() < minCount) {
            throw new IllegalArgumentException("maxCount " + maxCount.getAsInt() + " < minCount " + minCount);
        }
    }

    /** The same row with other quality limits. */
    public ConnectionRow withQuality(QualityLimits limits) {
        return new ConnectionRow(id, remoteIP, remoteName, remotePort, localPort, procName, comment, host, minCount,
                maxCount, severity, source, netns, limits);
    }

    /** True when a name is given and must be resolved. */
    public boolean hasRemoteName() {
        return !remoteName.isEmpty();
    }
}
