package io.portwatch.cli;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.text.TextTable;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Optional;

/** {@code connections --format=table}: the listing as netstat prints it, with a NETNS column when one is needed. */
final class ConnectionsTable {

    private ConnectionsTable() {
    }

    static void print(Snapshot snapshot, PrintWriter out) {
        of(snapshot).print(out);
    }

    /** The listing; a NETNS column when a socket lives outside portwatch's own network namespace. */
    static TextTable of(Snapshot snapshot) {
        boolean netnsColumn = snapshot.sockets().stream().anyMatch(s -> !s.netns().own());
        TextTable table = netnsColumn
                ? new TextTable("PROTO", "RECV-Q", "SEND-Q", "LOCAL ADDRESS", "REMOTE ADDRESS", "STATE", "PID",
                "PROCESS", "USER", "NETNS")
                : new TextTable("PROTO", "RECV-Q", "SEND-Q", "LOCAL ADDRESS", "REMOTE ADDRESS", "STATE", "PID",
                "PROCESS", "USER");
        for (SocketEntry s : snapshot.sockets()) {
            Optional<ProcessInfo> owner = snapshot.owner(s);
            Object[] cells = {s.protocol().label(), queue(s.receiveQueue()), queue(s.sendQueue()),
                    Addresses.format(s.localAddress(), s.localPort()),
                    Addresses.format(s.remoteAddress(), s.remotePort()), s.state(),
                    s.hasOwner() ? Integer.toString(s.pid()) : "-",
                    owner.map(ProcessInfo::name).orElse("-"), owner.map(ProcessInfo::user).filter(u -> !u.isEmpty()).orElse("-"),
                    s.netns().name()};
            table.row(netnsColumn ? cells : Arrays.copyOf(cells, cells.length - 1));
        }
        return table;
    }

    /** A queue as {@code ss} prints it; {@code -} when the platform does not tell (Windows). */
    private static String queue(int value) {
        return value == SocketEntry.UNKNOWN_QUEUE ? "-" : Integer.toString(value);
    }
}
