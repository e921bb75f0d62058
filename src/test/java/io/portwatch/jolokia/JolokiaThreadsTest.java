package io.portwatch.jolokia;

import io.portwatch.testing.Poll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every thread the endpoint starts is a daemon thread named {@code portwatch-*}, and none outlives
 * it. Requests go over plain sockets so that no HTTP client threads mix in.
 */
class JolokiaThreadsTest {

    @Test
    void endpointThreadsAreDaemonsNamedPortwatchAndStopWithIt() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        List<Thread> started;
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            for (int i = 0; i < 4; i++) {
                String answer = JolokiaClient.rawGet(endpoint.url(), "read/java.lang:type=Runtime/Uptime", "127.0.0.1");
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            }
            started = newThreads(before);
            assertFalse(started.isEmpty());
            for (Thread thread : started) {
                assertTrue(thread.getName().startsWith("portwatch-jolokia-"), describe(started));
                assertTrue(thread.isDaemon(), describe(started));
            }
            assertTrue(started.stream().anyMatch(t -> t.getName().startsWith("portwatch-jolokia-http-")), describe(started));
        }
        awaitDeath(started);
    }

    @Test
    void busyPortLeavesNoThreadBehind() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            assertThrows(IOException.class, () -> JolokiaEndpoint.start(JolokiaOptions.loopback(busy.getLocalPort())));
            awaitDeath(newThreads(before));
        }
    }

    private static List<Thread> newThreads(Set<Thread> before) {
        Set<Thread> now = new HashSet<>(Thread.getAllStackTraces().keySet());
        now.removeAll(before);
        return List.copyOf(now);
    }

    private static void awaitDeath(List<Thread> threads) throws Exception {
        Poll.until(Duration.ofSeconds(5), () -> "still running: " + describe(threads.stream().filter(Thread::isAlive)
                .toList()), () -> threads.stream().noneMatch(Thread::isAlive));
    }

    private static String describe(List<Thread> threads) {
        return threads.stream().map(t -> t.getName() + (t.isDaemon() ? " (daemon)" : " (NOT daemon)"))
                .collect(Collectors.joining(", "));
    }
}
