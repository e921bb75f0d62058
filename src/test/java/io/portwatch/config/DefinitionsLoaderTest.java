package io.portwatch.config;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.StringReader;
import java.net.Inet4Address;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DefinitionsLoaderTest {

    private static final String L = DefinitionsLoader.LISTENING_FILE;
    private static final String C = DefinitionsLoader.CONNECTIONS_FILE;
    private static final String LISTENING_HEADER = "ipProtocol,localIP,localPort,procName,comment\n";
    private static final String CONNECTIONS_HEADER = "remoteIP,remoteName,remotePort,procName,comment\n";

    @TempDir
    Path dir;

    // ---- the NetstatWatcher example files -------------------------------------------------------

    /**
     * Windows rows in the NetstatWatcher format, every field given (the article's own files, with short rows, are
     * {@code config/examples/netstatwatcher/}: {@link NetstatWatcherArticleFilesTest}).
     */
    private static Path originals() throws URISyntaxException {
        return Path.of(DefinitionsLoaderTest.class.getResource("DefinitionsLoaderTest/original").toURI());
    }

    @Test
    void originalListeningExampleLoadsUnchanged() throws Exception {
        DefinitionsLoadResult result = DefinitionsLoader.load(originals());

        assertEquals(List.of(), problems(result));
        assertEquals(List.of(), result.notes());
        List<ListeningRow> rows = result.definitions().listening();
        assertEquals(List.of("tcp-0.0.0.0-135-svchost.exe", "tcp-0.0.0.0-445-system", "tcp-0.0.0.0-3389-svchost.exe",
                "udp-0.0.0.0-123-svchost.exe"), ids(rows));
        ListeningRow rpc = rows.get(0);
        assertEquals(Protocol.TCP, rpc.protocol());
        assertEquals(Optional.of(Addresses.anyIPv4()), rpc.localIP());
        assertEquals(new PortRange(135, 135), rpc.localPort());
        assertEquals("svchost.exe", rpc.procName().text());
        assertEquals("RPC Endpoint Mapper", rpc.comment());
        assertTrue(rpc.host().isAny());
        assertEquals(Severity.CRITICAL, rpc.severity());
        assertEquals(new Source(L, 2), rpc.source());
        assertEquals("System", rows.get(1).procName().text());
        assertEquals("SMB", rows.get(1).comment());
        assertEquals(new PortRange(3389, 3389), rows.get(2).localPort());
        assertEquals(Protocol.UDP, rows.get(3).protocol());
        assertEquals(new PortRange(123, 123), rows.get(3).localPort());
        assertEquals(new Source(L, 5), rows.get(3).source());
    }

    @Test
    void originalConnectionsExampleLoadsUnchanged() throws Exception {
        DefinitionsLoadResult result = DefinitionsLoader.load(originals());

        List<ConnectionRow> rows = result.definitions().connections();
        assertEquals(List.of("sqlserver01-1433-w3wp.exe", "dc01.example.local-389-lsass.exe"), ids(rows));
        ConnectionRow sql = rows.get(0);
        assertEquals(Optional.of(Addresses.parseLiteral("10.0.0.20")), sql.remoteIP());
        assertEquals("sqlserver01", sql.remoteName());
        assertEquals(new PortRange(1433, 1433), sql.remotePort());
        assertEquals(PortRange.ANY, sql.localPort());
        assertEquals("w3wp.exe", sql.procName().text());
        assertEquals("Web app to SQL Server, primary", sql.comment());
        assertEquals(1, sql.minCount());
        assertEquals(OptionalInt.empty(), sql.maxCount());
        assertEquals(new Source(C, 2), sql.source());
        ConnectionRow ldap = rows.get(1);
        assertEquals(Optional.empty(), ldap.remoteIP());
        assertEquals("dc01.example.local", ldap.remoteName());
        assertEquals(new PortRange(389, 389), ldap.remotePort());
        assertEquals("lsass.exe", ldap.procName().text());
        assertEquals("LDAP to domain controller", ldap.comment());
        assertEquals(new Source(C, 3), ldap.source());
    }

    @Test
    void originalFilesSavedWithBomAndCrlfLoadTheSame() throws Exception {
        for (String name : List.of(L, C)) {
            String text = Files.readString(originals().resolve(name)).replace("\n", "\r\n");
            byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            byte[] bytes = new byte[bom.length + body.length];
            System.arraycopy(bom, 0, bytes, 0, bom.length);
            System.arraycopy(body, 0, bytes, bom.length, body.length);
            Files.write(dir.resolve(name), bytes);
        }

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertEquals(List.of(), problems(result));
        assertEquals(DefinitionsLoader.load(originals()).definitions(), result.definitions());
    }

    @Test
    void shippedExampleFilesLoadWithoutProblems() {
        Path config = Path.of(System.getProperty("basedir", "."), "config");

        DefinitionsLoadResult result = DefinitionsLoader.load(config);

        assertEquals(List.of(), problems(result));
        assertEquals(List.of(), result.notes());
        assertEquals(List.of(), result.warningLines());
        assertEquals(List.of("udp-127.0.0.1-49740-dfsrs", "udp-any-161-snmp", "tcp-any-10115-endpoint",
                "tcp-127.0.0.1-9798-java", "tcp-127.0.0.1-8778-java"), ids(result.definitions().listening()));
        assertEquals(List.of("10.1.11.83-80-ccmexec", "linvmas146-5723-healthservice", "194.69.46.72-40936-powershell"),
                ids(result.definitions().connections()));
        assertEquals(new Source(L, 17), result.definitions().listening().get(0).source());
    }

    // ---- field values ---------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"80a", "0", "65536", "-1", "99999999"})
    void portMustBeAnIntegerFrom1To65535(String port) {
        DefinitionsLoadResult result = listening(LISTENING_HEADER + "tcp,," + port + ",nginx,web\n");

        assertEquals(List.of(L + ":2: localPort: expecting 1-65535 (found \"" + port + "\")"), problems(result));
        assertFalse(result.ok());
    }

    @Test
    void portRangeIsInclusive() {
        ListeningRow row = onlyListening(LISTENING_HEADER + "tcp,,8000-8010,java,app\n");

        assertEquals(new PortRange(8000, 8010), row.localPort());
        assertTrue(row.localPort().contains(8000));
        assertTrue(row.localPort().contains(8010));
        assertFalse(row.localPort().contains(8011));
        assertEquals("tcp-any-8000-8010-java", row.id());
    }

    @Test
    void portRangeMustRunLowToHigh() {
        assertEquals(List.of(L + ":2: localPort: expecting a range low-high with low <= high (found \"8010-8000\")"),
                problems(listening(LISTENING_HEADER + "tcp,,8010-8000,java,app\n")));
    }

    @Test
    void protocolMustBeTcpOrUdp() {
        assertEquals(List.of(L + ":2: ipProtocol: expecting tcp or udp (found \"icmp\")"),
                problems(listening(LISTENING_HEADER + "icmp,,7,,echo\n")));
    }

    @Test
    void emptyProtocolMeansTcpAndProtocolIsCaseInsensitive() {
        DefinitionsLoadResult result = listening(LISTENING_HEADER + ",,80,nginx,\nUDP,,53,dnsmasq,\n");

        assertEquals(List.of(Protocol.TCP, Protocol.UDP),
                result.definitions().listening().stream().map(ListeningRow::protocol).collect(Collectors.toList()));
    }

    @Test
    void emptyOrStarMeansAny() {
        ListeningRow star = onlyListening(LISTENING_HEADER + "tcp,*,*,*,anything\n");
        ListeningRow empty = onlyListening(LISTENING_HEADER + "tcp,,,,anything\n");

        for (ListeningRow row : List.of(star, empty)) {
            assertEquals(Optional.empty(), row.localIP());
            assertEquals(PortRange.ANY, row.localPort());
            assertTrue(row.procName().isAny());
            assertEquals("tcp-any-any-any", row.id());
        }
        ConnectionRow connection = onlyConnection(CONNECTIONS_HEADER + "*,*,*,*,\n");
        assertEquals(Optional.empty(), connection.remoteIP());
        assertEquals("", connection.remoteName());
        assertEquals(PortRange.ANY, connection.remotePort());
        assertTrue(connection.procName().isAny());
    }

    @Test
    void addressMustBeAnIpLiteral() {
        assertEquals(List.of(
                        L + ":2: localIP: expecting an IPv4 or IPv6 address (found \"10.0.0.300\")",
                        L + ":3: localIP: expecting an IPv4 or IPv6 address (found \"localhost\")"),
                problems(listening(LISTENING_HEADER + "tcp,10.0.0.300,80,,\ntcp,localhost,81,,\n")));
        assertEquals(List.of(C + ":2: remoteIP: expecting an IPv4 or IPv6 address (found \"db01\")"),
                problems(connections(CONNECTIONS_HEADER + "db01,,5432,java,\n")));
    }

    @Test
    void ipv6AddressesAreAccepted() {
        ListeningRow row = onlyListening(LISTENING_HEADER + "tcp,::1,8080,java,\n");
        ConnectionRow connection = onlyConnection(CONNECTIONS_HEADER + "2001:db8::1,,443,curl,\n");

        assertEquals(Optional.of(Addresses.parseLiteral("0:0:0:0:0:0:0:1")), row.localIP());
        assertEquals("tcp-__1-8080-java", row.id());
        assertEquals(Optional.of(Addresses.parseLiteral("2001:0db8:0:0:0:0:0:1")), connection.remoteIP());
        assertEquals("2001_db8__1-443-curl", connection.id());
    }

    @Test
    void ipv4MappedAddressEqualsItsIpv4Form() {
        DefinitionsLoadResult result = listening(LISTENING_HEADER + "tcp,::ffff:10.0.0.1,80,nginx,\n"
                + "tcp,10.0.0.1,80,nginx,\n");

        ListeningRow mapped = result.definitions().listening().get(0);
        assertInstanceOf(Inet4Address.class, mapped.localIP().orElseThrow());
        assertEquals(Addresses.parseLiteral("10.0.0.1"), mapped.localIP().orElseThrow());
        assertEquals("tcp-10.0.0.1-80-nginx", mapped.id());
        assertEquals(List.of(L + ":3: id: duplicate id tcp-10.0.0.1-80-nginx, first defined at line 2"),
                problems(result));
    }

    @Test
    void remoteNameMustBeAHostName() {
        assertEquals(List.of(C + ":2: remoteName: expecting a host name (found \"db 01\")"),
                problems(connections(CONNECTIONS_HEADER + ",db 01,5432,java,\n")));
    }

    // ---- header ---------------------------------------------------------------------------------

    @Test
    void unknownColumnIsAProblemNamingIt() {
        DefinitionsLoadResult result = listening("ipProtocol,localIP,localPort,procName,comment,colour\n"
                + "tcp,,22,sshd,ssh,blue\n");

        assertEquals(List.of(L + ":1: colour: unknown column, expecting one of ipProtocol, localIP, localPort, "
                + "procName, comment, id, host, severity, netns (found \"colour\")"), problems(result));
        assertFalse(result.ok());
        assertEquals(1, result.definitions().listening().size(), "the other columns are still checked");
    }

    @Test
    void connectionColumnsAreUnknownInTheListeningFile() {
        assertEquals(List.of(L + ":1: minCount: unknown column, expecting one of ipProtocol, localIP, localPort, "
                        + "procName, comment, id, host, severity, netns (found \"minCount\")"),
                problems(listening("localPort,minCount\n22,1\n")));
    }

    @Test
    void listeningFileRequiresLocalPortColumn() {
        assertEquals(List.of(L + ":1: localPort: required column missing (found \"ipProtocol,localIP,procName,comment\")"),
                problems(listening("ipProtocol,localIP,procName,comment\ntcp,,sshd,ssh\n")));
    }

    @Test
    void connectionsFileRequiresRemotePortColumn() {
        assertEquals(List.of(C + ":1: remotePort: required column missing (found \"remoteIP,remoteName,procName,comment\")"),
                problems(connections("remoteIP,remoteName,procName,comment\n10.0.0.1,,java,\n")));
    }

    @Test
    void columnsOtherThanThePortMayBeAbsentAndMeanAny() {
        ListeningRow row = onlyListening("localPort\n22\n");
        ConnectionRow connection = onlyConnection("remotePort\n443\n");

        assertEquals(Protocol.TCP, row.protocol());
        assertEquals("tcp-any-22-any", row.id());
        assertEquals("", row.comment());
        assertEquals("any-443-any", connection.id());
    }

    @Test
    void netnsColumnEmptyMeansOwnNamespaceStarAnyElseAGlob() {
        List<ListeningRow> rows = listening("localPort,netns\n22,\n23,*\n24,container:*\n").definitions().listening();
        List<ConnectionRow> connections = connections("remotePort,netns\n443,pod:*\n").definitions().connections();

        assertEquals(NetnsPattern.OWN, rows.get(0).netns());
        assertEquals(NetnsPattern.ANY, rows.get(1).netns());
        assertEquals("container:*", rows.get(2).netns().text());
        assertEquals("pod:*", connections.get(0).netns().text());
        assertEquals(NetnsPattern.OWN, onlyListening("localPort\n22\n").netns());
    }

    @Test
    void netnsColumnGoesIntoTheDerivedIdOnlyWhenGiven() {
        List<ListeningRow> rows = listening("localPort,netns\n22,\n22,*\n22,web\n").definitions().listening();

        assertEquals(List.of("tcp-any-22-any", "tcp-any-22-any-netns-any", "tcp-any-22-any-netns-web"),
                rows.stream().map(ListeningRow::id).collect(Collectors.toList()));
        assertEquals("any-443-any-netns-pod__", onlyConnection("remotePort,netns\n443,pod:*\n").id());
    }

    @Test
    void columnsAreFoundByCaseInsensitiveNameInAnyOrder() {
        ListeningRow row = onlyListening("COMMENT,LocalPort,PROCNAME,localip,IpProtocol\nweb,443,nginx,10.0.0.1,tcp\n");

        assertEquals("tcp-10.0.0.1-443-nginx", row.id());
        assertEquals("web", row.comment());
    }

    @Test
    void columnGivenTwiceIsAProblem() {
        assertEquals(List.of(L + ":1: localPort: column given twice, in positions 1 and 2 (found \"LOCALPORT\")"),
                problems(listening("localPort,LOCALPORT\n22,23\n")));
    }

    @Test
    void emptyColumnNameIsAProblem() {
        assertEquals(List.of(L + ":1: expecting a column name in position 2 of the header (found \"\")"),
                problems(listening("localPort,\n22,\n")));
    }

    @Test
    void fileWithoutHeaderGetsOneProblemAskingForIt() {
        assertEquals(List.of(L + ":1: the first line is not the header of a definitions file, expecting one such as"
                        + " ipProtocol,localIP,localPort,procName,comment (nothing of the line is quoted)"),
                problems(listening("tcp,0.0.0.0,135,svchost.exe,RPC Endpoint Mapper\n")));
    }

    @Test
    void emptyFileIsANoteNotAProblem() {
        DefinitionsLoadResult result = listening("# nothing yet\n\n");

        assertTrue(result.ok());
        assertEquals(List.of(L + " has no header line: no listening rows"), result.notes());
        assertEquals(Definitions.EMPTY, result.definitions());
    }

    // ---- rows and text --------------------------------------------------------------------------

    @Test
    void byteOrderMarkIsSkipped() {
        ListeningRow row = onlyListening("\uFEFF" + LISTENING_HEADER + "tcp,,22,sshd,ssh\n");

        assertEquals("tcp-any-22-sshd", row.id());
    }

    @Test
    void crlfLineEndsAreAcceptedAndCountedOnce() {
        DefinitionsLoadResult result = listening("# windows file\r\n"
                + LISTENING_HEADER.replace("\n", "\r\n")
                + "\r\n"
                + "tcp,,22,sshd,\"two\r\nlines\"\r\n"
                + "tcp,,80a,nginx,web\r\n"
                + "tcp,,443,nginx,https");

        assertEquals(List.of(L + ":6: localPort: expecting 1-65535 (found \"80a\")"), problems(result));
        ListeningRow row = result.definitions().listening().get(0);
        assertEquals(new Source(L, 4), row.source());
        assertEquals("two\\x0alines", row.comment(), "a line break in a field is held visibly (rule 4)");
        assertEquals(new Source(L, 7), result.definitions().listening().get(1).source());
    }

    @Test
    void quotedFieldMayHoldCommasAndQuotes() {
        ListeningRow row = onlyListening(LISTENING_HEADER + "tcp,,22,sshd,\"SSH, the \"\"secure\"\" shell\"\n");

        assertEquals("SSH, the \"secure\" shell", row.comment());
    }

    @Test
    void fieldsAreTrimmed() {
        ListeningRow row = onlyListening(LISTENING_HEADER + " udp , 10.0.0.1 ,\t123 , chronyd , \" time \" \n");

        assertEquals("udp-10.0.0.1-123-chronyd", row.id());
        assertEquals("time", row.comment());
    }

    @Test
    void commentsAndBlankLinesKeepPhysicalLineNumbers() {
        DefinitionsLoadResult result = listening("# first comment\n"
                + "   # indented comment, with an \"open quote\n"
                + "\n"
                + LISTENING_HEADER
                + "  \t \n"
                + "# another comment\n"
                + "tcp,,22,sshd,ssh\n"
                + "tcp,,80a,nginx,web\n");

        assertEquals(List.of(L + ":8: localPort: expecting 1-65535 (found \"80a\")"), problems(result));
        assertEquals(new Source(L, 7), result.definitions().listening().get(0).source());
    }

    @Test
    void headerProblemNamesTheHeaderLineAfterComments() {
        assertEquals(List.of(L + ":3: localPort: required column missing (found \"ipProtocol\")"),
                problems(listening("# comment\n\nipProtocol\ntcp\n")));
    }

    @Test
    void quotedMultiLineFieldKeepsLaterLineNumbers() {
        DefinitionsLoadResult result = listening(LISTENING_HEADER
                + "tcp,,22,sshd,\"first line\n"
                + "# not a comment, inside quotes\n"
                + "\n"
                + "last line\"\n"
                + "tcp,,80a,nginx,web\n"
                + "tcp,,443,nginx,https\n");

        assertEquals(List.of(L + ":6: localPort: expecting 1-65535 (found \"80a\")"), problems(result));
        List<ListeningRow> rows = result.definitions().listening();
        assertEquals(new Source(L, 2), rows.get(0).source());
        assertEquals("first line\\x0a# not a comment, inside quotes\\x0a\\x0alast line", rows.get(0).comment());
        assertEquals(new Source(L, 7), rows.get(1).source());
    }

    @Test
    void unclosedQuoteIsAProblemAtTheLineItOpens() {
        assertEquals(List.of(L + ":2: quoted field not closed before the end of the file"),
                problems(listening(LISTENING_HEADER + "tcp,,22,sshd,\"ssh\ntcp,,80,nginx,web\n")));
    }

    @Test
    void textAfterAClosingQuoteIsAProblemAndLaterRowsAreStillChecked() {
        assertEquals(List.of(
                        L + ":2: expecting a comma or the end of the line after a closing quote (found \"daemon\")",
                        L + ":3: localPort: expecting 1-65535 (found \"80a\")"),
                problems(listening(LISTENING_HEADER + "tcp,,22,sshd,\"ssh\" daemon\ntcp,,80a,nginx,web\n")));
    }

    @Test
    void malformedHeaderLineStopsTheFileWithOneProblemQuotingNothingOfIt() {
        assertEquals(List.of(L + ":2: expecting a comma or the end of the line after a closing quote"),
                problems(listening("# header below\n\"ipProtocol\"x,localPort\ntcp,22\n")));
    }

    @Test
    void fileWithThreeDifferentErrorsReportsAllThree() {
        DefinitionsLoadResult result = listening("# three mistakes\n"
                + LISTENING_HEADER
                + "tcp,,22,sshd,ssh\n"
                + "tcp,,80a,nginx,web\n"
                + "\n"
                + "icmp,,7,,echo\n"
                + "tcp,10.0.0.300,443,nginx,https\n");

        assertEquals(List.of(
                L + ":4: localPort: expecting 1-65535 (found \"80a\")",
                L + ":6: ipProtocol: expecting tcp or udp (found \"icmp\")",
                L + ":7: localIP: expecting an IPv4 or IPv6 address (found \"10.0.0.300\")"), problems(result));
        assertFalse(result.ok());
        assertEquals(List.of("tcp-any-22-sshd"), ids(result.definitions().listening()),
                "definitions keep only the good rows and must not be swapped in");
    }

    @Test
    void everyBadFieldOfARowIsReported() {
        assertEquals(List.of(
                        L + ":2: ipProtocol: expecting tcp or udp (found \"icmp\")",
                        L + ":2: localPort: expecting 1-65535 (found \"0\")"),
                problems(listening(LISTENING_HEADER + "icmp,,0,,\n")));
    }

    // ---- ids ------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "tcp,,22,sshd,            | tcp-any-22-sshd",
            "udp,0.0.0.0,123,svchost.exe, | udp-0.0.0.0-123-svchost.exe",
            "tcp,::1,8080,java,       | tcp-__1-8080-java",
            "tcp,0:0:0:0:0:0:0:1,8080,java, | tcp-__1-8080-java",
            ",*,8000-8010,*,          | tcp-any-8000-8010-any",
            "tcp,,443,My App,         | tcp-any-443-my_app",
            "tcp,,443,java*,          | tcp-any-443-java_",
    })
    void listeningIdIsDerivedFromTheRowsOwnFields(String row, String id) {
        assertEquals(id, onlyListening(LISTENING_HEADER + row + "\n").id());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "10.0.0.5,,1433,sqlservr.exe,           | 10.0.0.5-1433-sqlservr.exe",
            "10.0.0.20,sqlserver01,1433,w3wp.exe,   | sqlserver01-1433-w3wp.exe",
            ",DC01.Example.Local,389,lsass.exe,     | dc01.example.local-389-lsass.exe",
            ",,443,,                                | any-443-any",
    })
    void connectionIdIsDerivedFromTheRowsOwnFields(String row, String id) {
        assertEquals(id, onlyConnection(CONNECTIONS_HEADER + row + "\n").id());
    }

    @Test
    void connectionIdIncludesLocalPortWhenGiven() {
        DefinitionsLoadResult result = connections("remoteIP,remotePort,localPort,procName\n"
                + "10.0.0.7,5432,,java\n"
                + "*,*,8443,nginx\n");

        assertEquals(List.of("10.0.0.7-5432-java", "any-any-8443-nginx"), ids(result.definitions().connections()));
        assertEquals(new PortRange(8443, 8443), result.definitions().connections().get(1).localPort());
    }

    @Test
    void duplicateDerivedIdIsAProblemNamingBothLines() {
        DefinitionsLoadResult result = listening(LISTENING_HEADER + "tcp,,22,sshd,ssh\n# again\ntcp,*,22,SSHD,again\n");

        assertEquals(List.of(L + ":4: id: duplicate id tcp-any-22-sshd, first defined at line 2"), problems(result));
    }

    @Test
    void duplicateExplicitIdIsAProblemIgnoringCase() {
        assertEquals(List.of(C + ":3: id: duplicate id Web, first defined at line 2"),
                problems(connections("id,remoteIP,remotePort\nweb,10.0.0.1,80\nWeb,10.0.0.2,80\n")));
    }

    @Test
    void idColumnOverridesTheDerivedId() {
        DefinitionsLoadResult result = listening("id,localPort,procName\nssh.main_1-A,22,sshd\nssh-backup,22,sshd\n");

        assertEquals(List.of(), problems(result));
        assertEquals(List.of("ssh.main_1-A", "ssh-backup"), ids(result.definitions().listening()));
    }

    @Test
    void idMustBeNonEmptyLettersDigitsDotUnderscoreOrDash() {
        assertEquals(List.of(
                        L + ":2: id: expecting a non-empty id of letters, digits, '.', '_' and '-' (found \"has space\")",
                        L + ":3: id: expecting a non-empty id of letters, digits, '.', '_' and '-' (found \"\")",
                        L + ":4: id: expecting a non-empty id of letters, digits, '.', '_' and '-' (found \"*\")"),
                problems(listening("id,localPort\nhas space,22\n,23\n*,24\n")));
    }

    // ---- optional columns -----------------------------------------------------------------------

    @Test
    void hostAndSeverityColumnsAreRead() {
        ListeningRow row = onlyListening("ipProtocol,localPort,procName,host,severity\ntcp,443,nginx,web-*,Warning\n");

        assertEquals(Severity.WARNING, row.severity());
        assertTrue(row.host().matches("WEB-01"));
        assertFalse(row.host().matches("db-01"));
        assertEquals("tcp-any-443-nginx", row.id(), "host does not enter the derived id");
    }

    @Test
    void emptySeverityMeansCriticalAndOtherValuesAreProblems() {
        assertEquals(Severity.CRITICAL, onlyListening("localPort,severity\n22,\n").severity());
        assertEquals(List.of(C + ":2: severity: expecting critical or warning (found \"fatal\")"),
                problems(connections("remotePort,severity\n443,fatal\n")));
    }

    @Test
    void connectionOptionalColumnsAreRead() {
        ConnectionRow row = onlyConnection("id,host,severity,remoteIP,remoteName,remotePort,localPort,procName,"
                + "minCount,maxCount,comment\n"
                + "pool,app*,warning,10.0.0.30,db01,5432,,java,2,10,connection pool\n");

        assertEquals("pool", row.id());
        assertTrue(row.host().matches("app01"));
        assertEquals(Severity.WARNING, row.severity());
        assertEquals(PortRange.ANY, row.localPort());
        assertEquals(2, row.minCount());
        assertEquals(OptionalInt.of(10), row.maxCount());
        assertEquals("connection pool", row.comment());
    }

    @Test
    void minCountDefaultsToOneAndMaxCountToNone() {
        DefinitionsLoadResult result = connections("remotePort,minCount,maxCount\n80,,\n81,0,*\n82,3,3\n");

        assertEquals(List.of(), problems(result));
        List<ConnectionRow> rows = result.definitions().connections();
        assertEquals(1, rows.get(0).minCount());
        assertEquals(OptionalInt.empty(), rows.get(0).maxCount());
        assertEquals(0, rows.get(1).minCount());
        assertEquals(OptionalInt.empty(), rows.get(1).maxCount());
        assertEquals(3, rows.get(2).minCount());
        assertEquals(OptionalInt.of(3), rows.get(2).maxCount());
    }

    @Test
    void countsMustBeNonNegativeIntegers() {
        assertEquals(List.of(
                        C + ":2: minCount: expecting an integer >= 0 (found \"-1\")",
                        C + ":3: maxCount: expecting an integer >= 0 (found \"many\")",
                        C + ":4: minCount: expecting an integer >= 0 (found \"*\")"),
                problems(connections("remotePort,minCount,maxCount\n80,-1,\n81,,many\n82,*,\n")));
    }

    @Test
    void maxCountBelowMinCountIsAProblem() {
        assertEquals(List.of(C + ":2: maxCount: expecting an integer >= minCount 3 (found \"2\")"),
                problems(connections("remotePort,minCount,maxCount\n80,3,2\n")));
        assertEquals(List.of(C + ":2: maxCount: expecting an integer >= minCount 1 (found \"0\")"),
                problems(connections("remotePort,maxCount\n80,0\n")));
    }

    // ---- files and directories ------------------------------------------------------------------

    @Test
    void missingFileIsANoteNotAProblem() throws IOException {
        Files.writeString(dir.resolve(L), LISTENING_HEADER + "tcp,,22,sshd,ssh\n");

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertTrue(result.ok());
        assertEquals(List.of(C + " not found in " + dir + ": no connection rows"), result.notes());
        assertEquals(1, result.definitions().listening().size());
        assertEquals(List.of(), result.definitions().connections());
    }

    @Test
    void missingDirectoryIsAProblemNamingThePath() {
        Path missing = dir.resolve("nope");

        DefinitionsLoadResult result = DefinitionsLoader.load(missing);

        assertEquals(List.of(missing + ":0: definitions directory not found"), problems(result));
        assertEquals(Definitions.EMPTY, result.definitions());
    }

    @Test
    void fileInsteadOfDirectoryIsAProblem() throws IOException {
        Path file = Files.writeString(dir.resolve("file.txt"), "x");

        assertEquals(List.of(file + ":0: not a directory"), problems(DefinitionsLoader.load(file)));
    }

    /**
     * A regular file whose read fails, even for root (CI runs as root, so a permission denial cannot be made):
     * /proc/self/mem is a regular file, and reading it from offset 0 fails with EIO.
     */
    @Test
    void aFileWhoseReadFailsIsAProblemNamingTheError() {
        java.io.Reader failing = new java.io.Reader() {
            @Override
            public int read(char[] buffer, int offset, int length) throws IOException {
                throw new IOException("Input/output error");
            }

            @Override
            public void close() {
            }
        };

        DefinitionsLoadResult result = DefinitionsLoader.parseConnections(C, failing);

        assertEquals(List.of(C + ":0: cannot read file: IOException: Input/output error"), problems(result));
    }

    @Test
    void aLinkToTheKernelsMemoryIsRefusedBeforeItIsOpened() throws IOException {
        Files.createSymbolicLink(dir.resolve(C), Path.of("/proc/self/mem"));

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertEquals(List.of(C + ":0: definitions file " + dir.resolve(C) + " is on the kernel file system proc,"
                + " not on a disk: it is not used"), problems(result));
    }

    @Test
    void fileNameDifferingOnlyInCaseIsUsedWithANote() throws IOException {
        Files.writeString(dir.resolve("MonitoredListeningPorts.csv"), LISTENING_HEADER + "tcp,,22,sshd,ssh\n");
        Files.writeString(dir.resolve(C), CONNECTIONS_HEADER);

        DefinitionsLoadResult result = DefinitionsLoader.load(dir);

        assertTrue(result.ok());
        assertEquals(List.of("using MonitoredListeningPorts.csv for " + L,
                C + " holds only its header line: no connection rows"), result.notes());
        assertEquals(new Source("MonitoredListeningPorts.csv", 2), result.definitions().listening().get(0).source());
    }

    @Test
    void severalFileNamesDifferingOnlyInCaseAreAProblem() throws IOException {
        Files.writeString(dir.resolve("MonitoredListeningPorts.csv"), LISTENING_HEADER);
        Files.writeString(dir.resolve("MONITOREDLISTENINGPORTS.CSV"), LISTENING_HEADER);
        Files.writeString(dir.resolve(C), CONNECTIONS_HEADER);

        assertEquals(List.of(dir + ":0: several files differ from " + L
                        + " only in case (found \"MONITOREDLISTENINGPORTS.CSV, MonitoredListeningPorts.csv\")"),
                problems(DefinitionsLoader.load(dir)));
    }

    @Test
    void problemsOfBothFilesAreReportedInFileOrder() throws IOException {
        Files.writeString(dir.resolve(L), LISTENING_HEADER + "tcp,,80a,nginx,web\n");
        Files.writeString(dir.resolve(C), CONNECTIONS_HEADER + "10.0.0.1,,65536,java,\n");

        assertEquals(List.of(
                L + ":2: localPort: expecting 1-65535 (found \"80a\")",
                C + ":2: remotePort: expecting 1-65535 (found \"65536\")"), problems(DefinitionsLoader.load(dir)));
    }

    @Test
    void invalidUtf8IsAProblemAtItsLine() throws IOException {
        byte[] latin1 = (LISTENING_HEADER + "tcp,,22,sshd,ssh\ntcp,,80,nginx,M\u00fcller\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(dir.resolve(L), latin1);

        assertEquals(List.of(L + ":3: expecting UTF-8 text, save the file as UTF-8 (found byte 0xFC)"),
                problems(DefinitionsLoader.load(dir)));
    }

    @Test
    void utf16FileIsAProblem() throws IOException {
        Files.write(dir.resolve(L), ("\uFEFF" + LISTENING_HEADER).getBytes(StandardCharsets.UTF_16LE));

        assertEquals(List.of(L + ":1: expecting UTF-8 text, save the file as UTF-8 (found a UTF-16 byte order mark)"),
                problems(DefinitionsLoader.load(dir)));
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static DefinitionsLoadResult listening(String text) {
        return DefinitionsLoader.parseListening(L, new StringReader(text));
    }

    private static DefinitionsLoadResult connections(String text) {
        return DefinitionsLoader.parseConnections(C, new StringReader(text));
    }

    private static ListeningRow onlyListening(String text) {
        DefinitionsLoadResult result = listening(text);
        assertEquals(List.of(), problems(result));
        assertEquals(1, result.definitions().listening().size());
        return result.definitions().listening().get(0);
    }

    private static ConnectionRow onlyConnection(String text) {
        DefinitionsLoadResult result = connections(text);
        assertEquals(List.of(), problems(result));
        assertEquals(1, result.definitions().connections().size());
        return result.definitions().connections().get(0);
    }

    private static List<String> problems(DefinitionsLoadResult result) {
        return result.problems().stream().map(DefinitionProblem::toString).collect(Collectors.toList());
    }

    private static List<String> ids(List<?> rows) {
        return rows.stream()
                .map(r -> r instanceof ListeningRow ? ((ListeningRow) r).id() : ((ConnectionRow) r).id())
                .collect(Collectors.toList());
    }
}
