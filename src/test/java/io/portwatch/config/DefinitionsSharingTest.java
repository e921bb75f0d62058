package io.portwatch.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/design.md §5 rule 2, for the definitions held: what rows repeat is held once per load, so 20,000 rows that
 * name the same 500-character process hold it once, not 20,000 times; and a file is held once while it is read.
 */
class DefinitionsSharingTest {

    @TempDir
    Path dir;

    @Test
    void equalValuesOfDifferentRowsAreOneInstanceInALoad() throws Exception {
        String proc = "p".repeat(500);
        String comment = "c".repeat(1000);
        Files.writeString(dir.resolve(DefinitionsLoader.LISTENING_FILE), "ipProtocol,localIP,localPort,procName,comment\n"
                + "tcp,127.0.0.1,22," + proc + "," + comment + "\n"
                + "tcp,127.0.0.1,23," + proc + "," + comment + "\n");
        Files.writeString(dir.resolve(DefinitionsLoader.CONNECTIONS_FILE), "remoteIP,remoteName,remotePort,procName,comment\n"
                + ",db01,5432," + proc + "," + comment + "\n"
                + ",db01,5433," + proc + "," + comment + "\n"
                + "10.0.0.5,,1433,java,\"" + comment + "\"\n"
                + "10.0.0.5,,1434,java," + comment + "\n");

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertTrue(result.ok(), result.problems().toString());
        List<ListeningRow> listening = result.definitions().listening();
        assertEquals(proc, listening.get(0).procName().text());
        assertSame(listening.get(0).procName(), listening.get(1).procName());
        assertSame(listening.get(0).comment(), listening.get(1).comment());
        assertSame(listening.get(0).localIP().orElseThrow(), listening.get(1).localIP().orElseThrow());
        List<ConnectionRow> connections = result.definitions().connections();
        assertSame(connections.get(0).procName(), connections.get(1).procName());
        assertSame(connections.get(0).remoteName(), connections.get(1).remoteName());
        assertSame(connections.get(2).comment(), connections.get(3).comment(), "a quoted and an unquoted value");
        assertSame(connections.get(2).remoteIP().orElseThrow(), connections.get(3).remoteIP().orElseThrow());
        assertNotSame(connections.get(0).id(), connections.get(1).id());
    }

    @Test
    void anAsciiFileIsReadInPlaceAndOtherTextDecoded() {
        byte[] ascii = "id,procName\nweb,nginx\n".getBytes(StandardCharsets.US_ASCII);
        CharSequence inPlace = DefinitionsBytes.text("f.csv", ascii, new Problems());
        assertTrue(inPlace instanceof AsciiText, inPlace.getClass().toString());
        assertEquals("id,procName\nweb,nginx\n", inPlace.toString());
        assertEquals(List.of("web", "nginx"), fields(new DefinitionsCsv(inPlace)).get(1));

        byte[] utf8 = "id,procName\nweb,caf\u00e9\n".getBytes(StandardCharsets.UTF_8);
        CharSequence decoded = DefinitionsBytes.text("f.csv", utf8, new Problems());
        assertEquals("id,procName\nweb,caf\u00e9\n", decoded.toString());
        assertEquals(List.of("web", "caf\u00e9"), fields(new DefinitionsCsv(decoded)).get(1));
    }

    private static List<List<String>> fields(DefinitionsCsv csv) {
        List<List<String>> records = new ArrayList<>();
        for (DefinitionsCsv.Item item = csv.next(); item != null; item = csv.next()) {
            records.add(((DefinitionsCsv.Record) item).fields());
        }
        return records;
    }
}
