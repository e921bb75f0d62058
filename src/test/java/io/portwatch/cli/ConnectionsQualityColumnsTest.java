package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.TcpQuality;
import io.portwatch.testing.SnapshotBuilder;
import io.portwatch.testing.Sockets;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** {@code connections}: the connection-quality columns, filled where the reader measures them, unknown elsewhere. */
class ConnectionsQualityColumnsTest {

    /** A measured connection (cookie 7) and a listener, whose quality no reader measures. */
    private static Snapshot snapshot() {
        return new SnapshotBuilder().process(10, "java")
                .socket(Sockets.tcp("10.0.0.1", 40001, "10.1.2.3", 5432, SocketState.ESTABLISHED, 1, 10)
                        .withQuality(new TcpQuality(7, 2_500, 480, 3, 2, 41_000, 9000, 700)))
                .listen("tcp", "0.0.0.0", 8080, 10).build();
    }

    private static String printed(java.util.function.Consumer<PrintWriter> print) {
        StringWriter w = new StringWriter();
        try (PrintWriter out = new PrintWriter(w)) {
            print.accept(out);
        }
        return w.toString();
    }

    @Test
    void jsonAndCsvCarryTheFiguresOfAMeasuredSocketAndNullOrEmptyElsewhere() {
        var records = SocketRecords.of(snapshot());
        Map<String, Object> measured = records.get(0);
        assertEquals(2.5, measured.get("rttMs"));
        assertEquals(2, measured.get("unacked"));
        assertEquals(41_000L, measured.get("lastAckMs"));
        assertEquals(3L, measured.get("retransmitted"));
        assertEquals(480L, measured.get("sent"));
        Map<String, Object> listener = records.get(1);
        for (String column : new String[] {"rttMs", "unacked", "lastAckMs", "retransmitted", "sent"}) {
            assertTrue(listener.containsKey(column) && listener.get(column) == null, column);
        }
        String csv = printed(out -> ConnectionsCsv.print(snapshot(), out));
        String[] lines = csv.split("\r\n");
        assertTrue(lines[0].endsWith(",netns,rttMs,unacked,lastAckMs,retransmitted,sent"), lines[0]);
        assertTrue(lines[1].endsWith(",2.5,2,41000,3,480"), lines[1]);
        assertTrue(lines[2].endsWith(",,,,,"), lines[2]);
    }

    @Test
    void theTableHasAnRttColumnOnlyWithInfo() {
        String plain = printed(out -> ConnectionsTable.print(snapshot(), out));
        assertFalse(plain.contains("RTT"), plain);
        String info = printed(out -> ConnectionsTable.print(snapshot(), out, true));
        String[] lines = info.split("\n");
        assertTrue(lines[0].trim().endsWith("USER  RTT") || lines[0].trim().endsWith("RTT"), info);
        assertTrue(lines[1].trim().endsWith("2.5ms"), info);
        assertTrue(lines[2].trim().endsWith("-"), info);
    }

    @Test
    void rttIsPrintedInMillisecondsAsSsPrintsIt() {
        assertEquals("0.087ms", ConnectionsTable.rttMs(87));
        assertEquals("180ms", ConnectionsTable.rttMs(180_000));
        assertEquals("1.5ms", ConnectionsTable.rttMs(1_500));
    }
}
