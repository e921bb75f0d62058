package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.ListeningRow;
import io.portwatch.scan.Addresses;
import io.portwatch.testing.Rows;
import io.portwatch.testing.SnapshotBuilder;

import java.net.InetAddress;
import java.time.Instant;

/** Rows in the evaluation tests' shorthand (no OS involved); snapshots come from {@link SnapshotBuilder}. */
final class Fixtures {

    static final Instant AT = SnapshotBuilder.AT;

    private Fixtures() {
    }

    static InetAddress ip(String literal) {
        return Addresses.parseLiteral(literal);
    }

    static ListeningRow listen(String proto, String localIP, String port, String proc) {
        return Rows.listening(proto + "-" + port + "-" + proc).protocol(proto).localIP(localIP).port(port).proc(proc)
                .source("test.csv", 2).build();
    }

    static ConnectionRow connect(String remoteIP, String remoteName, String port, String proc, int min, Integer max) {
        return Rows.connection("c-" + port + "-" + proc).remoteIP(remoteIP).remoteName(remoteName).remotePort(port)
                .proc(proc).min(min).max(max).source("test.csv", 2).build();
    }
}
