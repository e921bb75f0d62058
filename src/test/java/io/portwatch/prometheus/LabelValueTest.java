package io.portwatch.prometheus;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.ListeningRow;
import io.portwatch.state.MonitorState;
import io.portwatch.testing.Rows;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.portwatch.prometheus.LabelValue.MARKER;
import static io.portwatch.prometheus.LabelValue.MAX_LENGTH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 2 of docs/design.md §5 on labels: every label value is at most {@value LabelValue#MAX_LENGTH} characters,
 * printable, and two different values never become one (a duplicate series would make the exposition invalid).
 */
class LabelValueTest {

    @Test
    void aShortPrintableValueIsServedAsItIs() {
        String id = "tcpListenOnweb01Forsshd:22";
        assertSame(id, LabelValue.of(id));
        assertSame("", LabelValue.of(""));
        String longest = "a".repeat(MAX_LENGTH);
        assertSame(longest, LabelValue.of(longest));
    }

    @Test
    void aLongValueIsCutToTheLengthAndEndsWithTheMarkerAndAHashOfTheWholeValue() {
        String comment = "c".repeat(1024);
        String served = LabelValue.of(comment);
        assertEquals(MAX_LENGTH, served.length());
        assertTrue(served.matches("c{" + (MAX_LENGTH - 1 - LabelValue.HASH_LENGTH) + "}\u2026[0-9a-f]{"
                + LabelValue.HASH_LENGTH + "}"), served);
        assertEquals(served, LabelValue.of("c".repeat(1024)), "the same value, the same label: series are stable");
    }

    @Test
    void twoLongIdsThatDifferOnlyAfterTheCutStayTwoSeries() {
        String prefix = "x".repeat(200);
        assertNotEquals(LabelValue.of(prefix + "a"), LabelValue.of(prefix + "b"));
        assertNotEquals(LabelValue.of(prefix), LabelValue.of(prefix + "a"), "nor one that is a prefix of the other");
    }

    @Test
    void idsMadeOnlyOfTheMarkerAndHexDigitsNeverCollideWithACutValue() {
        // the case nobody listed: a definitions id that looks like what the cut makes of another id
        String cutOfLong = LabelValue.of("y".repeat(300));
        String forged = cutOfLong; // written in a definitions file as it is served
        assertNotEquals(cutOfLong, LabelValue.of(forged), "a value holding the marker is itself marked");
        Set<String> served = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int n = 0; n <= 130; n++) {
            ids.add(String.valueOf(MARKER).repeat(n));
            ids.add("0".repeat(n) + MARKER);
            ids.add(MARKER + "0".repeat(n));
        }
        for (String id : new HashSet<>(ids)) {
            String s = LabelValue.of(id);
            assertTrue(s.length() <= MAX_LENGTH, s);
            assertTrue(served.add(s), "two ids became one label value: " + s);
        }
    }

    @Test
    void aControlCharacterOrALoneSurrogateIsMadePrintableAndMarked() {
        String esc = LabelValue.of("svc\u001b[31m");
        assertTrue(esc.startsWith("svc\\x1b[31m" + MARKER), esc);
        String lone = LabelValue.of("svc\ud800");
        assertTrue(lone.startsWith("svc\ufffd" + MARKER), lone);
        assertNotEquals(lone, LabelValue.of("svc\udc00"), "two lone surrogates stay two values");
        assertNotEquals(lone, LabelValue.of("svc\ufffd"), "nor the replacement character written as it is");
        assertNotEquals(LabelValue.of("a\nb"), LabelValue.of("a\\x0ab"), "nor a control and its visible form");
    }

    @Test
    void theCutNeverSplitsASurrogatePair() {
        int keep = MAX_LENGTH - 1 - LabelValue.HASH_LENGTH;
        String served = LabelValue.of("a".repeat(keep - 1) + "\ud83d\ude00".repeat(100));
        assertTrue(served.length() <= MAX_LENGTH);
        for (int i = 0; i < served.length(); i++) {
            char c = served.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(Character.isLowSurrogate(served.charAt(++i)), served);
            } else {
                assertTrue(!Character.isLowSurrogate(c), served);
            }
        }
    }

    @Test
    void labelValuesWithControlsLoneSurrogatesAndLongIdsStayAValidExpositionWithoutDuplicates() {
        String prefix = "z".repeat(150);
        List<ListeningRow> listening = List.of(
                Rows.listening(prefix + "1").port(1).proc("p\u001b").comment("line\nbreak\u0000").build(),
                Rows.listening(prefix + "2").port(2).proc("p\ud800").comment("\"quoted\\\"").build(),
                Rows.listening("svc\udc00").port(3).proc("p\ufffd").comment("\u2028\u202e").build(),
                Rows.listening("svc\ud800").port(4).proc("p").netns("container:\u0007" + "n".repeat(300)).build());
        List<ConnectionRow> connections = List.of(
                Rows.connection(prefix + "1").remoteIP("10.0.0.1").remotePort(1).remoteName("db\u0001" + "d".repeat(300))
                        .build());
        MonitorState state = States.builder().host("web\u001b01").version("1\ud800")
                .definitions(listening, connections).build();
        for (String accept : new String[] {null, Exposition.OPENMETRICS}) {
            String body = Exposition.render(state, false, accept);
            Map<String, TextFormat.Family> families = accept == null
                    ? TextFormat.parseText(body) : TextFormat.parseOpenMetrics(body);
            MaxDefinitionsExpositionTest.assertNoDuplicateSeries(families);
            assertEquals(5, families.get(accept == null ? "portwatch_row_info" : "portwatch_row").samples().size(), body);
            assertTrue(body.chars().noneMatch(c -> Character.isSurrogate((char) c) || (c < 0x20 && c != '\n')),
                    "no control character and no lone surrogate reaches the bytes");
            families.values().forEach(f -> f.samples().forEach(s -> s.labels().values().forEach(v ->
                    assertTrue(v.length() <= MAX_LENGTH, v))));
        }
    }
}
