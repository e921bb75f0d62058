package io.portwatch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One way to do each thing in the tests (docs/design.md: test helpers live in {@code io.portwatch.testing}): published
 * state is built by {@code testing.StateBuilder} only, and waiting is {@code testing.Poll}'s loop, never a sleep of
 * a test's own. The only sleeps left are child-process lifetimes, listed by name.
 */
class TestHelpersTest {

    private static final Path TESTS = Path.of("src/test/java/io/portwatch");
    private static final String TESTING = "testing/";

    /** Child processes kept alive until the test kills them: a lifetime, not a wait. */
    private static final Set<String> CHILD_PROCESS_LIFETIMES = Set.of("cli/HoldSockets.java", "agent/HostMain.java");

    /** Programs run by hand to capture test data (their README says how), not tests: they may pause for the kernel. */
    private static final Set<String> CAPTURE_PROGRAMS = Set.of("scan/linux/SockDiagCapture.java");

    /**
     * Test files that read the wall clock ({@code System.nanoTime()}, {@code System.currentTimeMillis()}) and why that
     * is no assertion on elapsed time. A test that needs time drives {@code TestClock}/{@code TestTicker}; one that
     * waits uses {@code Poll}; one whose behaviour is a real deadline asserts the outcome under one named bound.
     */
    private static final Map<String, String> WALL_CLOCK_READERS = Map.ofEntries(
            Map.entry("agent/AgentIT.java", "a unique file name"),
            Map.entry("scan/linux/SocketOwnersReuseTest.java", "a unique name"),
            Map.entry("scan/linux/NetnsScanBench.java", "a benchmark: the time is what it prints"),
            Map.entry("scan/linux/bench/ScanBench.java", "a benchmark: the time is what it prints"),
            Map.entry("prometheus/MaxDefinitionsExpositionTest.java", "prints the render time; asserts sizes only"),
            Map.entry("agent/HostMain.java", "the host-safety matrix, reworked by its own change"),
            Map.entry("agent/HostSafetyMatrixIT.java", "the host-safety matrix, reworked by its own change"),
            Map.entry("scan/linux/NetlinkChannelTest.java", "a receive's deadline, which the channel takes on nanoTime's scale"),
            Map.entry("scan/linux/NetlinkTablesTest.java", "a dump's deadline, which the reader takes on nanoTime's scale"),
            Map.entry("scan/linux/NetlinkTablesLiveTest.java", "a dump's deadline, which the reader takes on nanoTime's scale"),
            Map.entry("scan/linux/NetlinkQualityTest.java", "a dump's deadline, which the reader takes on nanoTime's scale"),
            Map.entry("scan/linux/SockDiagCapture.java", "a capture program (its dump deadline), not a test"));

    @Test
    void publishedStateIsBuiltOnlyByTestingStateBuilder() throws IOException {
        Set<String> byHand = outsideTesting(f -> f.text.contains("MonitorState.initial("));
        Set<String> ownBuilders = outsideTesting(f -> f.name.equals("States.java") || f.name.endsWith("StateBuilder.java"));
        byHand.addAll(ownBuilders);
        assertEquals(Set.of(), byHand, "test files that build MonitorState themselves (use "
                + "io.portwatch.testing.StateBuilder)");
    }

    @Test
    void testsWaitWithPollNeverASleepOfTheirOwn() throws IOException {
        Set<String> sleeping = outsideTesting(f -> f.text.contains("Thread.sleep(") || f.text.contains("SECONDS.sleep(")
                || f.text.contains("MILLISECONDS.sleep(") || f.text.contains("parkNanos("));
        sleeping.removeAll(CHILD_PROCESS_LIFETIMES);
        sleeping.removeAll(CAPTURE_PROGRAMS);
        assertEquals(Set.of(), sleeping, "test files that sleep (wait with io.portwatch.testing.Poll)");
    }

    @Test
    void noTestReadsTheWallClockButThoseListedWithTheirReason() throws IOException {
        Set<String> reading = outsideTesting(f -> f.text.contains("System.nanoTime()")
                || f.text.contains("System.currentTimeMillis()"));
        reading.removeAll(WALL_CLOCK_READERS.keySet());
        assertEquals(Set.of(), reading, "test files that read the wall clock (drive time with TestClock/TestTicker, "
                + "wait with io.portwatch.testing.Poll, assert a deadline's outcome under one named bound)");
    }

    @Test
    void aBoundOnHowLongSomethingMayTakeIsANamedConstant() throws IOException {
        Set<String> inline = outsideTesting(f -> f.text.contains("assertTimeout(Duration.")
                || f.text.contains("assertTimeoutPreemptively(Duration."));
        assertEquals(Set.of(), inline, "test files with an unnamed time bound (name it as a constant that says why it "
                + "is generous: blocked for ever, not slow)");
    }

    private record Source(String path, String name, String text) {
    }

    /** The test sources outside {@code io.portwatch.testing} that match, by path under io/portwatch. */
    private static Set<String> outsideTesting(Predicate<Source> matches) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(TESTS)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
        }
        Set<String> out = new TreeSet<>();
        for (Path f : files) {
            String path = TESTS.relativize(f).toString().replace('\\', '/');
            if (path.startsWith(TESTING) || path.equals("TestHelpersTest.java")) {
                continue;
            }
            if (matches.test(new Source(path, f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8)))) {
                out.add(path);
            }
        }
        return out;
    }
}
