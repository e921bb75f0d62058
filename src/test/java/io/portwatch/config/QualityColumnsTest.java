package io.portwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/** The connection-quality columns of monitoredTcpConnects.csv: stallSeconds, maxRttMs, maxRetransPercent. */
class QualityColumnsTest {

    private static final String C = DefinitionsLoader.CONNECTIONS_FILE;

    private static DefinitionsLoadResult connections(String text) {
        return DefinitionsLoader.parseConnections(C, new StringReader(text));
    }

    private static List<String> problems(DefinitionsLoadResult result) {
        return result.problems().stream().map(DefinitionProblem::toString).collect(Collectors.toList());
    }

    @Test
    void qualityColumnsAreReadInAnyCaseAndEmptyOrStarMeansNotGiven() {
        DefinitionsLoadResult result = connections("remotePort,STALLSECONDS,maxRttMs,maxRetransPercent\n"
                + "5432,10,250,2.5\n5433,,*,\n5434,0,0,0\n");
        assertEquals(List.of(), problems(result));
        List<ConnectionRow> rows = result.definitions().connections();
        assertEquals(new QualityLimits(OptionalInt.of(10), OptionalInt.of(250), OptionalDouble.of(2.5)),
                rows.get(0).quality());
        assertEquals(QualityLimits.NONE, rows.get(1).quality());
        assertEquals(new QualityLimits(OptionalInt.of(0), OptionalInt.of(0), OptionalDouble.of(0)),
                rows.get(2).quality());
    }

    @Test
    void aFileWithoutQualityColumnsGetsNoLimitsAndTheSettingsStallSeconds() {
        ConnectionRow row = connections("remotePort\n5432\n").definitions().connections().get(0);
        assertEquals(QualityLimits.NONE, row.quality());
        assertEquals(30, row.quality().stallSeconds(30));
    }

    @Test
    void badQualityValuesNameFileLineColumnAndValue() {
        assertEquals(List.of(
                        C + ":2: stallSeconds: expecting an integer >= 0 (found \"-5\")",
                        C + ":3: maxRttMs: expecting an integer >= 0 (found \"100ms\")",
                        C + ":4: maxRetransPercent: expecting a percentage from 0 to 100 (found \"101\")",
                        C + ":5: maxRetransPercent: expecting a percentage from 0 to 100 (found \"1,5%\")",
                        C + ":6: maxRetransPercent: expecting a percentage from 0 to 100 (found \"NaN\")"),
                problems(connections("remotePort,stallSeconds,maxRttMs,maxRetransPercent\n"
                        + "80,-5,,\n81,,100ms,\n82,,,101\n83,,,\"1,5%\"\n84,,,NaN\n")));
    }

    @Test
    void aRowWithABadQualityValueIsLeftOutTheOthersLoad() {
        DefinitionsLoadResult result = connections("id,remotePort,maxRttMs\na,80,x\nb,81,5\n");
        assertEquals(List.of("b"), result.definitions().connections().stream().map(ConnectionRow::id)
                .collect(Collectors.toList()));
    }
}
