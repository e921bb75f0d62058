package io.portwatch.prometheus;

import io.portwatch.testing.Poll;
import static io.portwatch.prometheus.Exposition.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;
import io.portwatch.config.Severity;
import io.portwatch.config.Source;
import io.portwatch.health.Evaluation;
import io.portwatch.health.EvaluationOptions;
import io.portwatch.health.Evaluator;
import io.portwatch.health.Health;
import io.portwatch.health.ListeningReason;
import io.portwatch.health.ListeningResult;
import io.portwatch.state.MonitorState;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.linux.LinuxSocketSource;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Issue 15 with real sockets and the real {@code /proc} and {@code ss}: a listener with {@code listen(1)} that
 * never accepts, and more clients than fit its accept queue, is YELLOW "not accepting" with its queue and
 * backlog published; a listener that accepts stays GREEN; once the first accepts everything it is GREEN again.
 */
class NotAcceptingListenerTest {

    private static final long PID = ProcessHandle.current().pid();
    /** How long the kernel may take to show a listener (un)stuck on a loaded machine: a bound, not a measurement. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private final LinuxSocketSource source = new LinuxSocketSource();

    @Test
    void aListenerThatNeverAcceptsIsYellowUntilItAcceptsEverything() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        List<SocketChannel> clients = new ArrayList<>();
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket stuck = new ServerSocket(); ServerSocket busy = new ServerSocket()) {
            stuck.bind(new InetSocketAddress(loopback, 0), 1);
            busy.bind(new InetSocketAddress(loopback, 0), 1);
            ListeningRow stuckRow = row("stuck", stuck.getLocalPort());
            ListeningRow busyRow = row("busy", busy.getLocalPort());
            Definitions definitions = new Definitions(List.of(stuckRow, busyRow), List.of());
            for (int i = 0; i < 6; i++) { // backlog 1: 2 fit the queue, the rest wait in SYN_SENT
                clients.add(connect(stuck.getLocalPort()));
            }
            for (int i = 0; i < 2; i++) {
                clients.add(connect(busy.getLocalPort()));
                accepted.add(busy.accept()); // busy accepts what comes
            }

            MonitorState full = await(definitions, s -> s.listening().get(0).reasonCode() == ListeningReason.NOT_ACCEPTING);
            ListeningResult stuckResult = full.evaluation().orElseThrow().listening().get(0);
            assertEquals(Health.YELLOW, stuckResult.health());
            assertTrue(stuckResult.reason().equals("tcp/" + stuck.getLocalPort() + " listening but not accepting:"
                    + " accept queue 2/1 full, owned by java (pid " + PID + ")"), stuckResult.reason());
            assertEquals(2, stuckResult.acceptQueue());
            assertEquals(1, stuckResult.backlog());
            ListeningResult busyResult = full.evaluation().orElseThrow().listening().get(1);
            assertEquals(Health.GREEN, busyResult.health(), busyResult.reason());

            Map<String, TextFormat.Family> metrics = TextFormat.parseText(render(full, false, null));
            assertEquals(2, PortwatchCollectorTest.value(metrics, "portwatch_listening_port_accept_queue",
                    Map.of("id", "stuck")));
            assertEquals(1, PortwatchCollectorTest.value(metrics, "portwatch_listening_port_backlog",
                    Map.of("id", "stuck")));
            assertEquals(1, PortwatchCollectorTest.value(metrics, "portwatch_listening_port_backlog",
                    Map.of("id", "busy")));
            assertEquals(1, PortwatchCollectorTest.value(metrics, "portwatch_row_reason_info",
                    Map.of("kind", "listening", "id", "stuck", "reason", "not accepting")));
            assertEquals(1, PortwatchCollectorTest.value(metrics, "portwatch_listening_port_health",
                    Map.of("id", "stuck", "protocol", "tcp", "local_ip", "127.0.0.1",
                            "local_port", Integer.toString(stuck.getLocalPort()), "process", "java",
                            "severity", "warning")));
            assertTrue(PortwatchCollectorTest.value(metrics, "portwatch_listen_overflows_total", Map.of()) >= 0);

            // the stuck listener accepts everything, also the clients whose SYN it dropped and who retry
            stuck.setSoTimeout(100);
            MonitorState drained = Poll.value(DEADLINE, () -> "never GREEN again after accepting",
                    () -> {
                        try {
                            accepted.add(stuck.accept());
                        } catch (SocketTimeoutException e) {
                            // nothing waiting now
                        }
                        MonitorState s = state(definitions);
                        return s.evaluation().orElseThrow().listening().get(0).health() == Health.GREEN ? s : null;
                    });
            assertEquals(ListeningReason.LISTENING, drained.evaluation().orElseThrow().listening().get(0).reasonCode());
        } finally {
            for (SocketChannel c : clients) {
                c.close();
            }
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private static SocketChannel connect(int port) throws IOException {
        SocketChannel c = SocketChannel.open();
        try {
            c.configureBlocking(false);
            c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static ListeningRow row(String id, int port) {
        return new ListeningRow(id, Protocol.TCP, Optional.of(InetAddress.getLoopbackAddress()),
                new PortRange(port, port), NamePattern.of("java"), "", NamePattern.ANY, Severity.WARNING,
                new Source("l.csv", 2));
    }

    /** Scans until the evaluation satisfies {@code wanted}, under a deadline. */
    private MonitorState await(Definitions definitions, Predicate<Evaluation> wanted) throws Exception {
        MonitorState[] last = new MonitorState[1];
        return Poll.value(DEADLINE,
                () -> "the expected state never came: " + last[0].evaluation().orElseThrow().listening(), () -> {
                    last[0] = state(definitions);
                    return wanted.test(last[0].evaluation().orElseThrow()) ? last[0] : null;
                });
    }

    private MonitorState state(Definitions definitions) throws IOException {
        Evaluation e = Evaluator.evaluate(definitions, source.scan(), ResolvedNames.NONE,
                EvaluationOptions.forHost("web01"));
        return States.builder().version("1").definitions(definitions).scanned(States.SCANNED, e)
                .took(Duration.ofMillis(5)).build();
    }
}
