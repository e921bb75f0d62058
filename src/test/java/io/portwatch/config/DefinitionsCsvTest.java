package io.portwatch.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DefinitionsCsvTest {

    @Test
    void crlfLfAndLoneCrEachEndOneLine() {
        DefinitionsCsv.Result result = DefinitionsCsv.read("a\r\nb\nc\rd");

        assertEquals(List.of(record(1, "a"), record(2, "b"), record(3, "c"), record(4, "d")), result.records());
    }

    @Test
    void lastLineNeedsNoLineEnd() {
        assertEquals(List.of(record(1, "a", "b")), DefinitionsCsv.read("a,b").records());
    }

    @Test
    void emptyFieldsAreKept() {
        assertEquals(List.of(record(1, "", "", "")), DefinitionsCsv.read(",,\n").records());
    }

    @Test
    void quoteInsideAnUnquotedFieldIsAnOrdinaryCharacter() {
        assertEquals(List.of(record(1, "6\" pipe", "x")), DefinitionsCsv.read("6\" pipe,x\n").records());
    }

    @Test
    void onlyTheLeadingByteOrderMarkIsSkipped() {
        assertEquals(List.of(record(1, "a\uFEFF")), DefinitionsCsv.read("\uFEFFa\uFEFF\n").records());
    }

    @Test
    void commentOrBlankLinesAloneGiveNoRecords() {
        DefinitionsCsv.Result result = DefinitionsCsv.read("\uFEFF# c\n \t\n\r\n  #x,\"y\n");

        assertEquals(List.of(), result.records());
        assertEquals(List.of(), result.errors());
    }

    @Test
    void hashInsideARowIsData() {
        assertEquals(List.of(record(1, "a", "# b")), DefinitionsCsv.read("a,# b\n").records());
    }

    private static DefinitionsCsv.Record record(long line, String... fields) {
        return new DefinitionsCsv.Record(line, List.of(fields));
    }
}
