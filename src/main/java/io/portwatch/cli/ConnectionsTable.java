package io.portwatch.cli;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.text.TextTable;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code connections --format=table}: the listing as netstat prints it, with a NETNS column when one is needed and an
 * RTT column with {@code --info}.
 */
final class ConnectionsTable {

    private ConnectionsTable() {
    }

    static void print(Snapshot snapshot, PrintWriter out) {
        print(snapshot, out, false);
    }

    /** The listing, with an RTT column when {@code info} ({@code --info}). */
    static void print(Snapshot snapshot, PrintWriter out, boolean info) {
        of(snapshot, info).print(out);
    }

    /** The listing; a NETNS column when a socket lives outside portwatch's own network namespace. */
    static TextTable of(Snapshot snapshot) {
        return of(snapshot, false);
    }

    /**
     * The listing; a NETNS column when a socket lives outside portwatch's own network namespace; with {@code info}
     * an RTT column (milliseconds, as {@code ss -ti} prints {@code rtt:}), {@code -} where it is unknown (every
     * reader but netlink, and sockets that are not TCP connections).
     */
    static TextTable of(Snapshot snapshot, boolean info) {
        boolean netnsColumn = snapshot.sockets().stream().anyMatch(s -> !s.netns().own());
        List<String> headers = new ArrayList<>(List.of("PROTO", "RECV-Q", "SEND-Q", "LOCAL ADDRESS", "REMOTE ADDRESS",
                "STATE", "PID", "PROCESS", "USER"));
        if (netnsColumn) {
            headers.add("NETNS");
        }
        if (info) {
            headers.add("RTT");
        }
        TextTable table = new TextTable(headers.toArray(new String[0]));
        for (SocketEntry s : snapshot.sockets()) {
            Optional<ProcessInfo> owner = snapshot.owner(s);
            Object[] cells = {s.protocol().label(), queue(s.receiveQueue()), queue(s.sendQueue()),
                    Addresses.format(s.localAddress(), s.localPort()),
                    Addresses.format(s.remoteAddress(), s.remotePort()), s.state(),
                    s.hasOwner() ? Integer.toString(s.pid()) : "-",
                    owner.map(ProcessInfo::name).orElse("-"), owner.map(ProcessInfo::user).filter(u -> !u.isEmpty()).orElse("-"),
                    s.netns().name()};
            List<Object> row = new ArrayList<>(Arrays.asList(netnsColumn ? cells : Arrays.copyOf(cells, cells.length - 1)));
            if (info) {
                row.add(s.quality() == null ? "-" : rttMs(s.quality().rttMicros()));
            }
            table.row(row.toArray());
        }
        return table;
    }

    /** {@code 2.5ms}, {@code 180ms}: at most 3 decimals, as {@code ss} prints {@code rtt:}. */
    static String rttMs(long micros) {
        return BigDecimal.valueOf(micros, 3).stripTrailingZeros().toPlainString() + "ms";
    }

    /** A queue as {@code ss} prints it; {@code -} when the platform does not tell (Windows). */
    private static String queue(int value) {
        return value == SocketEntry.UNKNOWN_QUEUE ? "-" : Integer.toString(value);
    }
}
