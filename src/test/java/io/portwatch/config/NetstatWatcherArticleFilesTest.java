package io.portwatch.config;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The NetstatWatcher article's own example files, byte for byte as the article prints them, load unchanged:
 * NetstatWatcher read them with PowerShell's {@code Import-Csv}, so rows shorter than the header are normal there.
 */
class NetstatWatcherArticleFilesTest {

    private static final Path DIR = Path.of(System.getProperty("basedir", "."), "config", "examples", "netstatwatcher");

    @Test
    void filesAreTheArticlesBytes() throws Exception {
        assertEquals("remoteIP,remoteName,remotePort,procName,comment\n"
                        + "10.1.11.83,,80,CcmExec,sccm\n"
                        + ",linvmas146,5723,HealthService\n"
                        + "194.69.46.72,,40936,powershell\n",
                new String(Files.readAllBytes(DIR.resolve(DefinitionsLoader.CONNECTIONS_FILE)), StandardCharsets.UTF_8));
        assertEquals("ipProtocol,localIP,localPort,procName,comment\n"
                        + "udp,127.0.0.1,49740,dfsrs\n"
                        + "udp,,161,snmp\n"
                        + "tcp,,10115,endpoint,perfdata\n",
                new String(Files.readAllBytes(DIR.resolve(DefinitionsLoader.LISTENING_FILE)), StandardCharsets.UTF_8));
    }

    @Test
    void bothFilesLoadWithoutProblemsOrWarnings() {
        DefinitionsLoadResult result = DefinitionsLoader.load(DIR);

        assertTrue(result.ok(), () -> String.join("\n", result.problemLines()));
        assertEquals(List.of(), result.warningLines());
        assertEquals(List.of(), result.notes());
    }

    @Test
    void listeningRowsHaveTheArticlesFields() {
        List<ListeningRow> rows = DefinitionsLoader.load(DIR).definitions().listening();

        assertEquals(3, rows.size());
        ListeningRow dfsrs = rows.get(0);
        assertEquals(Protocol.UDP, dfsrs.protocol());
        assertEquals(Optional.of(Addresses.parseLiteral("127.0.0.1")), dfsrs.localIP());
        assertEquals(new PortRange(49740, 49740), dfsrs.localPort());
        assertEquals("dfsrs", dfsrs.procName().text());
        assertEquals("", dfsrs.comment());
        assertEquals(new Source(DefinitionsLoader.LISTENING_FILE, 2), dfsrs.source());

        ListeningRow snmp = rows.get(1);
        assertEquals(Protocol.UDP, snmp.protocol());
        assertEquals(Optional.empty(), snmp.localIP());
        assertEquals(new PortRange(161, 161), snmp.localPort());
        assertEquals("snmp", snmp.procName().text());
        assertEquals("", snmp.comment());

        ListeningRow endpoint = rows.get(2);
        assertEquals(Protocol.TCP, endpoint.protocol());
        assertEquals(Optional.empty(), endpoint.localIP());
        assertEquals(new PortRange(10115, 10115), endpoint.localPort());
        assertEquals("endpoint", endpoint.procName().text());
        assertEquals("perfdata", endpoint.comment());
        assertEquals(new Source(DefinitionsLoader.LISTENING_FILE, 4), endpoint.source());
    }

    @Test
    void connectionRowsHaveTheArticlesFields() {
        List<ConnectionRow> rows = DefinitionsLoader.load(DIR).definitions().connections();

        assertEquals(3, rows.size());
        ConnectionRow sccm = rows.get(0);
        assertEquals(Optional.of(Addresses.parseLiteral("10.1.11.83")), sccm.remoteIP());
        assertEquals("", sccm.remoteName());
        assertEquals(new PortRange(80, 80), sccm.remotePort());
        assertEquals("CcmExec", sccm.procName().text());
        assertEquals("sccm", sccm.comment());

        ConnectionRow scom = rows.get(1);
        assertEquals(Optional.empty(), scom.remoteIP());
        assertEquals("linvmas146", scom.remoteName());
        assertEquals(new PortRange(5723, 5723), scom.remotePort());
        assertEquals("HealthService", scom.procName().text());
        assertEquals("", scom.comment());
        assertEquals(new Source(DefinitionsLoader.CONNECTIONS_FILE, 3), scom.source());

        ConnectionRow ps = rows.get(2);
        assertEquals(Optional.of(Addresses.parseLiteral("194.69.46.72")), ps.remoteIP());
        assertEquals(new PortRange(40936, 40936), ps.remotePort());
        assertEquals("powershell", ps.procName().text());
        assertEquals("", ps.comment());
    }
}
