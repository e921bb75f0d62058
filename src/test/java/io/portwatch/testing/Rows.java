package io.portwatch.testing;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.NetnsPattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;

import java.net.InetAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Definitions rows for tests, field by field by name; every field not named has the value an empty or absent column
 * gives it (any address, any port, any process, any host, critical, no comment, min 1 and no max).
 * {@code Rows.listening("ssh").port("22").proc("sshd").build()}.
 */
public final class Rows {

    private Rows() {
    }

    public static Listening listening(String id) {
        return new Listening(id);
    }

    public static Connection connection(String id) {
        return new Connection(id);
    }

    private static Optional<InetAddress> address(String literal) {
        return literal == null || literal.isEmpty() ? Optional.empty() : Optional.of(Addresses.parseLiteral(literal));
    }

    /** A {@link ListeningRow} under construction. */
    public static final class Listening {
        private final String id;
        private Protocol protocol = Protocol.TCP;
        private Optional<InetAddress> localIP = Optional.empty();
        private PortRange localPort = PortRange.ANY;
        private NamePattern procName = NamePattern.ANY;
        private String comment = "";
        private NamePattern host = NamePattern.ANY;
        private Severity severity = Severity.CRITICAL;
        private Source source = new Source("monitoredListeningPorts.csv", 2);
        private NetnsPattern netns = NetnsPattern.OWN;

        private Listening(String id) {
            this.id = id;
        }

        public Listening protocol(String tcpOrUdp) {
            protocol = Protocol.parse(tcpOrUdp);
            return this;
        }

        public Listening protocol(Protocol p) {
            protocol = p;
            return this;
        }

        public Listening localIP(Optional<InetAddress> address) {
            localIP = address;
            return this;
        }

        public Listening port(PortRange ports) {
            localPort = ports;
            return this;
        }

        public Listening proc(NamePattern pattern) {
            procName = pattern;
            return this;
        }

        public Listening localIP(String literal) {
            localIP = address(literal);
            return this;
        }

        /** {@code 22} or {@code 8000-8010}. */
        public Listening port(String port) {
            localPort = PortRange.parse(port);
            return this;
        }

        public Listening port(int port) {
            localPort = new PortRange(port, port);
            return this;
        }

        public Listening proc(String glob) {
            procName = NamePattern.of(glob);
            return this;
        }

        public Listening comment(String text) {
            comment = text;
            return this;
        }

        public Listening host(String glob) {
            host = NamePattern.of(glob);
            return this;
        }

        public Listening severity(Severity s) {
            severity = s;
            return this;
        }

        public Listening source(String file, long line) {
            source = new Source(file, line);
            return this;
        }

        /** The {@code netns} column as written ({@code *}, a glob, a name; empty: portwatch's own). */
        public Listening netns(String column) {
            netns = NetnsPattern.of(column);
            return this;
        }

        public ListeningRow build() {
            return new ListeningRow(id, protocol, localIP, localPort, procName, comment, host, severity, source, netns);
        }
    }

    /** A {@link ConnectionRow} under construction. */
    public static final class Connection {
        private final String id;
        private Optional<InetAddress> remoteIP = Optional.empty();
        private String remoteName = "";
        private PortRange remotePort = PortRange.ANY;
        private PortRange localPort = PortRange.ANY;
        private NamePattern procName = NamePattern.ANY;
        private String comment = "";
        private NamePattern host = NamePattern.ANY;
        private int minCount = 1;
        private OptionalInt maxCount = OptionalInt.empty();
        private Severity severity = Severity.CRITICAL;
        private Source source = new Source("monitoredTcpConnects.csv", 2);
        private NetnsPattern netns = NetnsPattern.OWN;

        private Connection(String id) {
            this.id = id;
        }

        public Connection remoteIP(String literal) {
            remoteIP = address(literal);
            return this;
        }

        public Connection remoteIP(InetAddress address) {
            remoteIP = Optional.of(address);
            return this;
        }

        public Connection remoteIP(Optional<InetAddress> address) {
            remoteIP = address;
            return this;
        }

        public Connection remotePort(PortRange ports) {
            remotePort = ports;
            return this;
        }

        public Connection localPort(PortRange ports) {
            localPort = ports;
            return this;
        }

        public Connection proc(NamePattern pattern) {
            procName = pattern;
            return this;
        }

        public Connection max(OptionalInt count) {
            maxCount = count;
            return this;
        }

        public Connection remoteName(String name) {
            remoteName = name;
            return this;
        }

        /** {@code 443} or {@code 8000-8010}. */
        public Connection remotePort(String port) {
            remotePort = PortRange.parse(port);
            return this;
        }

        public Connection remotePort(int port) {
            remotePort = new PortRange(port, port);
            return this;
        }

        public Connection localPort(String port) {
            localPort = PortRange.parse(port);
            return this;
        }

        public Connection proc(String glob) {
            procName = NamePattern.of(glob);
            return this;
        }

        public Connection comment(String text) {
            comment = text;
            return this;
        }

        public Connection host(String glob) {
            host = NamePattern.of(glob);
            return this;
        }

        public Connection min(int count) {
            minCount = count;
            return this;
        }

        /** The most expected; null for no maximum. */
        public Connection max(Integer count) {
            maxCount = count == null ? OptionalInt.empty() : OptionalInt.of(count);
            return this;
        }

        public Connection severity(Severity s) {
            severity = s;
            return this;
        }

        public Connection source(String file, long line) {
            source = new Source(file, line);
            return this;
        }

        /** The {@code netns} column as written ({@code *}, a glob, a name; empty: portwatch's own). */
        public Connection netns(String column) {
            netns = NetnsPattern.of(column);
            return this;
        }

        public ConnectionRow build() {
            return new ConnectionRow(id, remoteIP, remoteName, remotePort, localPort, procName, comment, host, minCount,
                    maxCount, severity, source, netns);
        }
    }
}
