package io.portwatch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One way to do each thing in the tests (docs/design.md: test helpers live in {@code io.portwatch.testing}): published
 * state is built by {@code testing.StateBuilder} only, and waiting is {@code testing.Poll}'s loop, never a sleep of
 * a test's own. Files another change still has to move are listed by name; an entry that no longer applies fails too,
 * so the lists only shrink.
 */
class TestHelpersTest {

    private static final Path TESTS = Path.of("src/test/java/io/portwatch");
    private static final String TESTING = "testing/";

    /** Still building MonitorState by hand: to move to StateBuilder (their package is being edited elsewhere). */
    private static final Set<String> STATE_BUILT_BY_HAND_PENDING = Set.of("prometheus/States.java",
            "prometheus/PortwatchCollectorTest.java", "prometheus/ManyRealProcessesTest.java",
            "prometheus/ReasonLabelTest.java", "prometheus/NotAcceptingListenerTest.java");

    /** Child processes kept alive until the test kills them: a lifetime, not a wait. */
    private static final Set<String> CHILD_PROCESS_LIFETIMES = Set.of("cli/HoldSockets.java", "agent/HostMain.java");

    /** Still sleeping in a loop of their own: to move to Poll (their files are being edited elsewhere). */
    private static final Set<String> SLEEPS_PENDING = Set.of("prometheus/ManyRealProcessesTest.java",
            "agent/MonitorDefinitionsTest.java", "http/HostileClientsTest.java");

    @Test
    void publishedStateIsBuiltOnlyByTestingStateBuilder() throws IOException {
        Set<String> byHand = outsideTesting(f -> f.text.contains("MonitorState.initial("));
        Set<String> ownBuilders = outsideTesting(f -> f.name.equals("States.java") || f.name.endsWith("StateBuilder.java"));
        byHand.addAll(ownBuilders);
        assertEquals(STATE_BUILT_BY_HAND_PENDING, byHand, "test files that build MonitorState themselves (use "
                + "io.portwatch.testing.StateBuilder; remove moved files from STATE_BUILT_BY_HAND_PENDING)");
    }

    @Test
    void testsWaitWithPollNeverASleepOfTheirOwn() throws IOException {
        Set<String> sleeping = outsideTesting(f -> f.text.contains("Thread.sleep(") || f.text.contains("SECONDS.sleep(")
                || f.text.contains("MILLISECONDS.sleep("));
        sleeping.removeAll(CHILD_PROCESS_LIFETIMES);
        assertEquals(SLEEPS_PENDING, sleeping, "test files that sleep (wait with io.portwatch.testing.Poll; remove "
                + "moved files from SLEEPS_PENDING)");
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
