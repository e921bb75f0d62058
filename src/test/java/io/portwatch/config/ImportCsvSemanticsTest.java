package io.portwatch.config;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Definitions files read as PowerShell's {@code Import-Csv} reads them (NetstatWatcher did), docs/design.md §2. */
class ImportCsvSemanticsTest {

    private static final String L = DefinitionsLoader.LISTENING_FILE;
    private static final String C = DefinitionsLoader.CONNECTIONS_FILE;
    private static final String LISTENING_HEADER = "ipProtocol,localIP,localPort,procName,comment\n";

    @Test
    void missingTrailingFieldsAreEmpty() {
        DefinitionsLoadResult result = listening(LISTENING_HEADER + "tcp,,22,sshd\ntcp,,80\nudp,,161,\n");

        assertTrue(result.ok(), () -> String.join("\n", result.problemLines()));
        assertEquals(List.of(), result.warningLines());
        List<ListeningRow> rows = result.definitions().listening();
        assertEquals(List.of("sshd", "*", "*"), rows.stream().map(r -> r.procName().text()).toList());
        assertEquals(List.of("", "", ""), rows.stream().map(ListeningRow::comment).toList());
        assertTrue(rows.get(1).procName().isAny());
        assertEquals(new PortRange(80, 80), rows.get(1).localPort());
    }

    @Test
    void extraValuesAreIgnoredWithAWarningAndTheRowLoads() {
        DefinitionsLoadResult result = listening(LISTENING_HEADER + "tcp,,22,sshd,SSH, Linux\n"
                + "tcp,,80,nginx,web,a,b\n");

        assertTrue(result.ok(), () -> String.join("\n", result.problemLines()));
        assertEquals(List.of(
                        L + ":2: 6 fields, header has 5: extra values ignored (\"Linux\"); quote a field that holds a comma",
                        L + ":3: 7 fields, header has 5: extra values ignored (\"a,b\"); quote a field that holds a comma"),
                result.warningLines());
        List<ListeningRow> rows = result.definitions().listening();
        assertEquals(List.of("SSH", "web"), rows.stream().map(ListeningRow::comment).toList());
    }

    @Test
    void aQuotedCommaIsPartOfTheFieldAndGivesNoWarning() {
        DefinitionsLoadResult result = listening(LISTENING_HEADER + "tcp,,22,sshd,\"SSH, Linux\"\n");

        assertEquals(List.of(), result.warningLines());
        assertEquals("SSH, Linux", result.definitions().listening().get(0).comment());
    }

    @Test
    void emptyAndBlankLinesAreSkipped() {
        DefinitionsLoadResult result = listening("\n" + LISTENING_HEADER + "\n   \ntcp,,22,sshd\n\n\ntcp,,80,nginx\n\n");

        assertTrue(result.ok());
        assertEquals(List.of(new Source(L, 5), new Source(L, 8)),
                result.definitions().listening().stream().map(ListeningRow::source).toList());
    }

    @Test
    void headerNamesAreCaseInsensitiveAndInAnyOrder() {
        DefinitionsLoadResult result = connections("PROCNAME,RemotePort,REMOTEIP\njava,5432,10.0.0.30\n");

        assertTrue(result.ok(), () -> String.join("\n", result.problemLines()));
        ConnectionRow row = result.definitions().connections().get(0);
        assertEquals("java", row.procName().text());
        assertEquals(new PortRange(5432, 5432), row.remotePort());
        assertEquals(Optional.of(io.portwatch.scan.Addresses.parseLiteral("10.0.0.30")), row.remoteIP());
    }

    @Test
    void warningsAreBoundedLikeProblems() {
        StringBuilder text = new StringBuilder(LISTENING_HEADER);
        for (int port = 1; port <= 150; port++) {
            text.append("tcp,,").append(port).append(",p,c,extra\n");
        }

        DefinitionsLoadResult result = listening(text.toString());

        assertTrue(result.ok());
        assertEquals(150, result.definitions().listening().size());
        assertEquals(DefinitionsLoader.MAX_PROBLEMS + 1, result.warningLines().size());
        assertEquals(L + ":0: and 50 more warnings (only the first 100 are kept)",
                result.warningLines().get(DefinitionsLoader.MAX_PROBLEMS));
    }

    @Test
    void aLongExtraValueIsShownCut() {
        String extra = "x".repeat(1000);
        DefinitionsLoadResult result = listening(LISTENING_HEADER + "tcp,,22,sshd,c," + extra + "\n");

        String warning = result.warningLines().get(0);
        assertTrue(warning.contains("(1000 characters)"), warning);
        assertTrue(warning.length() < 300, warning);
    }

    private static DefinitionsLoadResult listening(String text) {
        return DefinitionsLoader.parseListening(L, new StringReader(text));
    }

    private static DefinitionsLoadResult connections(String text) {
        return DefinitionsLoader.parseConnections(C, new StringReader(text));
    }
}
