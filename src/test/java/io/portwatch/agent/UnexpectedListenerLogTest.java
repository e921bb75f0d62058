package io.portwatch.agent;

import io.portwatch.config.Definitions;
import io.portwatch.config.ListenerIgnoreList;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.SocketEntry;
import io.portwatch.state.MonitorState;
import io.portwatch.testing.LogCapture;
import io.portwatch.testing.SnapshotBuilder;
import io.portwatch.testing.Sockets;
import io.portwatch.testing.StateBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link UnexpectedListenerLog}: with {@code unexpectedListeners=warn} a listener no row covers is one WARNING line
 * when it appears and one INFO line when it goes, naming address, port, process and user; bounded per scan.
 */
class UnexpectedListenerLogTest {

    private static final Instant AT = Instant.parse("2026-12-04T10:00:00Z");
    private static final EvaluationOptions WARN = new EvaluationOptions("host", true, ListenerIgnoreList.NONE,
            EvaluationOptions.DEFAULT_PROCESSES_MAX);

    private final UnexpectedListenerLog log = new UnexpectedListenerLog(System.getLogger("io.portwatch"));
    private MonitorState state = new StateBuilder().version("1").startedAt(AT).build();

    @Test
    void aListenerNoRowCoversIsOneLineWhenItAppearsAndOneWhenItGoes() {
        SnapshotBuilder sshd = new SnapshotBuilder().process(Sockets.process(812, "sshd", "root", "/usr/sbin/sshd"))
                .listen("tcp", "0.0.0.0", 22, 812);
        try (LogCapture capture = new LogCapture()) {
            publish(evaluate(sshd));
            SnapshotBuilder both = new SnapshotBuilder().process(Sockets.process(812, "sshd", "root", "/usr/sbin/sshd"))
                    .process(Sockets.process(4242, "redis-server", "redis", "/usr/bin/redis-server"))
                    .listen("tcp", "0.0.0.0", 22, 812).listen("tcp", "::", 6379, 4242)
                    .listen("tcp", "::", 6379, 4242); // a second socket alike: the same listener
            publish(evaluate(both));
            publish(evaluate(both)); // no change: nothing
            publish(evaluate(sshd));

            assertEquals(List.of("portwatch: unexpected listener tcp 0.0.0.0:22, process sshd, user root",
                    "portwatch: unexpected listener tcp [::]:6379, process redis-server, user redis"),
                    capture.messages(Level.WARNING));
            assertEquals(List.of("portwatch: unexpected listener gone: tcp [::]:6379, process redis-server, user redis"),
                    capture.messages(Level.INFO));
        }
    }

    @Test
    void withTheSettingOffNothingIsLogged() {
        SnapshotBuilder sshd = new SnapshotBuilder().process(Sockets.process(812, "sshd", "root", "/usr/sbin/sshd"))
                .listen("tcp", "0.0.0.0", 22, 812);
        try (LogCapture capture = new LogCapture()) {
            publish(Evaluator.evaluate(Definitions.EMPTY, sshd.build(), ResolvedNames.NONE,
                    EvaluationOptions.forHost("host")));
            assertEquals(List.of(), capture.messages(Level.WARNING));
            assertEquals(List.of(), capture.messages(Level.INFO));
        }
    }

    @Test
    void anOwnerThatCannotBeSeenIsNamedByTheSocketsUid() {
        try (LogCapture capture = new LogCapture()) {
            publish(evaluate(new SnapshotBuilder().socket(new SocketEntry(io.portwatch.scan.Protocol.UDP,
                    io.portwatch.scan.Addresses.parseLiteral("127.0.0.1"), 5353, io.portwatch.scan.Addresses.anyIPv4(),
                    0, io.portwatch.scan.SocketState.UNCONN, 9, 1000, SocketEntry.UNKNOWN_PID))));
            assertEquals(List.of("portwatch: unexpected listener udp 127.0.0.1:5353, process unknown, uid 1000"),
                    capture.messages(Level.WARNING));
        }
    }

    @Test
    void aProcessNameCannotSplitTheLogLine() {
        try (LogCapture capture = new LogCapture()) {
            publish(evaluate(new SnapshotBuilder()
                    .process(Sockets.process(7, "evil\nportwatch: forged", "root", "/tmp/evil"))
                    .listen("tcp", "0.0.0.0", 31337, 7)));
            assertEquals(List.of("portwatch: unexpected listener tcp 0.0.0.0:31337, process evil\\x0aportwatch: forged,"
                    + " user root"), capture.messages(Level.WARNING));
        }
    }

    @Test
    void aScanWithThousandsOfNewListenersLogsAtMostTheCapAndACount() {
        SnapshotBuilder many = new SnapshotBuilder().process(Sockets.process(9, "spray", "root", "/usr/bin/spray"));
        for (int port = 20000; port < 25000; port++) {
            many.listen("tcp", "127.0.0.1", port, 9);
        }
        try (LogCapture capture = new LogCapture()) {
            publish(evaluate(new SnapshotBuilder()));
            publish(evaluate(many));

            List<String> warnings = capture.messages(Level.WARNING);
            assertEquals(UnexpectedListenerLog.MAX_LINES + 1, warnings.size());
            assertEquals("portwatch: and 4900 more unexpected listeners came or went in this scan (only 100 lines are"
                    + " logged per scan)", warnings.get(UnexpectedListenerLog.MAX_LINES));

            publish(evaluate(new SnapshotBuilder()));
            List<String> gone = new ArrayList<>(capture.messages(Level.INFO));
            assertEquals(UnexpectedListenerLog.MAX_LINES, gone.size());
            assertEquals(UnexpectedListenerLog.MAX_LINES + 2, capture.messages(Level.WARNING).size()); // one more count
        }
    }

    private static Evaluation evaluate(SnapshotBuilder snapshot) {
        return Evaluator.evaluate(Definitions.EMPTY, snapshot.build(), ResolvedNames.NONE, WARN);
    }

    private void publish(Evaluation evaluation) {
        MonitorState next = state.withScan(AT, Duration.ofMillis(5), false, evaluation);
        log.published(state, next);
        state = next;
    }
}
