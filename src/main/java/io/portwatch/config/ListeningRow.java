package io.portwatch.config;

import io.portwatch.scan.Protocol;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One row of {@code monitoredListeningPorts.csv}: a port that should be listening.
 *
 * @param id        stable identity (the {@code id} column, or derived from the row's own fields)
 * @param protocol  tcp or udp
 * @param localIP   expected local address, empty for any
 * @param localPort expected port or range
 * @param procName  expected owning process
 * @param comment   free text
 * @param host      glob on the host names this row applies to
 * @param severity  severity when not GREEN
 * @param source    file and line
 * @param netns     the network namespace the row is about ({@link NetnsPattern#OWN} unless the column is given)
 */
public record ListeningRow(String id, Protocol protocol, Optional<InetAddress> localIP, PortRange localPort,
                           NamePattern procName, String comment, NamePattern host, Severity severity, Source source,
                           NetnsPattern netns) {

    /** A row about portwatch's own namespace. */
    public ListeningRow(String id, Protocol protocol, Optional<InetAddress> localIP, PortRange localPort,
                        NamePattern procName, String comment, NamePattern host, Severity severity, Source source) {
        this(id, protocol, localIP, localPort, procName, comment, host, severity, source, NetnsPattern.OWN);
    }

    public ListeningRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(localIP, "localIP");
        Objects.requireNonNull(localPort, "localPort");
        Objects.requireNonNull(procName, "procName");
        comment = comment == null ? "" : comment;
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(netns, "netns");
    }
}
