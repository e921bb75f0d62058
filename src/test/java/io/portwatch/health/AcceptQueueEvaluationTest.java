package io.portwatch.health;

import static io.portwatch.health.Fixtures.connect;
import static io.portwatch.health.Fixtures.ip;
import static io.portwatch.health.Fixtures.listen;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** docs/design.md §3 "listening but not accepting" and the queue sums of rows, on hand-built snapshots. */
class AcceptQueueEvaluationTest {

    private static final int UNKNOWN = SocketEntry.UNKNOWN_QUEUE;
    private final List<SocketEntry> sockets = new ArrayList<>();

    private AcceptQueueEvaluationTest listener(String address, int port, int pid, int queue, int backlog) {
        sockets.add(new SocketEntry(Protocol.TCP, ip(address), port, address.contains(":") ? Addresses.anyIPv6()
                : Addresses.anyIPv4(), 0, SocketState.LISTEN, sockets.size() + 1, 0, pid, queue, backlog));
        return this;
    }

    private AcceptQueueEvaluationTest connection(int localPort, SocketState state, int pid, int receive, int send) {
        sockets.add(new SocketEntry(Protocol.TCP, ip("10.0.0.1"), localPort, ip("10.0.0.9"), 5432, state,
                sockets.size() + 1, 0, pid, receive, send));
        return this;
    }

    private Snapshot snapshot() {
        return new Snapshot(Fixtures.AT, Duration.ofMillis(1), sockets, Map.of(
                42, new ProcessInfo(42, "java", "java", "app", "/usr/bin/java", "java", null),
                43, new ProcessInfo(43, "nginx", "nginx", "www", "/usr/sbin/nginx", "nginx", null)));
    }

    private ListeningResult listening(ListeningRow row) {
        return Evaluator.evaluate(new Definitions(List.of(row), List.of()), snapshot(), ResolvedNames.NONE,
                EvaluationOptions.forHost("web01")).listening().get(0);
    }

    @Test
    void aListenerWithMoreWaitingThanItsBacklogIsNotAccepting() {
        ListeningResult r = listener("0.0.0.0", 8080, 42, 2, 1).listening(listen("tcp", "", "8080", "java"));
        assertEquals(Health.YELLOW, r.health());
        assertEquals(ListeningReason.NOT_ACCEPTING, r.reasonCode());
        assertEquals("tcp/8080 listening but not accepting: accept queue 2/1 full, owned by java (pid 42)", r.reason());
        assertEquals(2, r.acceptQueue());
        assertEquals(1, r.backlog());
    }

    @Test
    void aQueueAsLongAsItsBacklogIsNotFullYet() {
        ListeningResult r = listener("0.0.0.0", 8080, 42, 1, 1).listening(listen("tcp", "", "8080", "java"));
        assertEquals(ListeningReason.LISTENING, r.reasonCode());
        assertEquals(1, r.acceptQueue());
    }

    @Test
    void severalListenersAreNotAcceptingOnlyWhenAllAreFull() {
        ListeningResult one = listener("0.0.0.0", 8080, 42, 2, 1).listener("::", 8080, 42, 0, 128)
                .listening(listen("tcp", "", "8080", "java"));
        assertEquals(ListeningReason.LISTENING, one.reasonCode());
        assertEquals(2, one.acceptQueue());
        assertEquals(129, one.backlog(), "summed over the matched listeners");

        sockets.clear();
        ListeningResult all = listener("0.0.0.0", 8080, 42, 2, 1).listener("::", 8080, 42, 6, 5)
                .listening(listen("tcp", "", "8080", "java"));
        assertEquals(ListeningReason.NOT_ACCEPTING, all.reasonCode());
        assertEquals("tcp/8080 listening but not accepting: accept queues of 2 listeners 8/6 full, owned by java (pid 42)",
                all.reason());
    }

    @Test
    void onlyTheListenersOfTheRowCount() {
        // nginx's full listener on loopback is not the row's: java's on 10.0.0.1 accepts
        ListeningResult r = listener("127.0.0.1", 8080, 43, 9, 1).listener("10.0.0.1", 8080, 42, 0, 50)
                .listening(listen("tcp", "10.0.0.1", "8080", "java"));
        assertEquals(ListeningReason.LISTENING, r.reasonCode());
        assertEquals(0, r.acceptQueue());
        assertEquals(50, r.backlog());
    }

    @Test
    void anUnknownBacklogCannotBeJudgedFull() {
        ListeningResult r = listener("0.0.0.0", 8080, 42, 5, UNKNOWN).listening(listen("tcp", "", "8080", "java"));
        assertEquals(ListeningReason.LISTENING, r.reasonCode());
        assertEquals(5, r.acceptQueue());
        assertEquals(UNKNOWN, r.backlog());
    }

    @Test
    void rowsWithoutTheirListenerHaveNoQueue() {
        ListeningResult r = listener("0.0.0.0", 8080, 43, 2, 1).listening(listen("tcp", "", "8080", "java"));
        assertEquals(ListeningReason.OTHER_OWNER, r.reasonCode(), "another owner decides first");
        assertEquals(UNKNOWN, r.acceptQueue());
        assertEquals(UNKNOWN, r.backlog());
    }

    @Test
    void connectionQueuesAreSummedOverTheExpectedProcessesEstablishedSockets() {
        connection(40000, SocketState.ESTABLISHED, 42, 100, 1448);
        connection(40001, SocketState.ESTABLISHED, 42, 20, 0);
        connection(40002, SocketState.ESTABLISHED, 43, 5000, 5000); // nginx's, not the row's
        connection(40003, SocketState.FIN_WAIT1, 42, 0, 777); // not ESTABLISHED
        Snapshot s = snapshot();
        ConnectionResult r = Evaluator.evaluate(new Definitions(List.of(), List.of(connect("10.0.0.9", "", "5432",
                "java", 1, null))), s, ResolvedNames.NONE, EvaluationOptions.forHost("web01")).connections().get(0);
        assertEquals(1448, r.sendQueueBytes());
        assertEquals(120, r.receiveQueueBytes());

        ConnectionResult any = Evaluator.evaluate(new Definitions(List.of(), List.of(connect("10.0.0.9", "", "5432",
                "*", 1, null))), s, ResolvedNames.NONE, EvaluationOptions.forHost("web01")).connections().get(0);
        assertEquals(6448, any.sendQueueBytes());
        assertEquals(5120, any.receiveQueueBytes());
    }

    @Test
    void connectionQueuesAreUnknownWhenThePlatformDoesNotTell() {
        connection(40000, SocketState.ESTABLISHED, 42, 100, 1448);
        sockets.add(new SocketEntry(Protocol.TCP, ip("10.0.0.1"), 40001, ip("10.0.0.9"), 5432, SocketState.ESTABLISHED,
                99, 0, 42));
        ConnectionResult r = Evaluator.evaluate(new Definitions(List.of(), List.of(connect("10.0.0.9", "", "5432",
                "java", 1, null))), snapshot(), ResolvedNames.NONE, EvaluationOptions.forHost("web01")).connections()
                .get(0);
        assertEquals(UNKNOWN, r.sendQueueBytes());
        assertEquals(UNKNOWN, r.receiveQueueBytes());
    }
}
