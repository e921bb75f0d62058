package io.portwatch.scan.windows;

import com.sun.jna.platform.win32.Tlhelp32;
import com.sun.jna.platform.win32.WinNT;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sizes and offsets the Windows decoders use, and the constants the Windows source passes and compares, are those
 * of the Windows SDK headers: {@code src/test/c/mib_layout.c}, compiled with mingw-w64 (whose headers are the SDK's
 * {@code iphlpapi.h}, {@code tcpmib.h}, {@code udpmib.h}, {@code iprtrmib.h}, {@code tlhelp32.h}) for x86_64 and run
 * under wine, prints each as {@code kind name value}; every printed line must equal the Java constant of that name,
 * and every Java constant listed here must be printed.
 */
@Tag("wine")
class MibLayoutTest {

    /** What the probe prints, and the Java constant each line must equal. */
    private static Map<String, Integer> javaValues() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("sizeof MIB_TCPROW_OWNER_PID", MibTables.TCP4_ROW);
        m.put("offsetof MIB_TCPROW_OWNER_PID.dwState", MibTables.TCP4_STATE);
        m.put("offsetof MIB_TCPROW_OWNER_PID.dwLocalAddr", MibTables.TCP4_LOCAL_ADDR);
        m.put("offsetof MIB_TCPROW_OWNER_PID.dwLocalPort", MibTables.TCP4_LOCAL_PORT);
        m.put("offsetof MIB_TCPROW_OWNER_PID.dwRemoteAddr", MibTables.TCP4_REMOTE_ADDR);
        m.put("offsetof MIB_TCPROW_OWNER_PID.dwRemotePort", MibTables.TCP4_REMOTE_PORT);
        m.put("offsetof MIB_TCPROW_OWNER_PID.dwOwningPid", MibTables.TCP4_OWNING_PID);

        m.put("sizeof MIB_TCP6ROW_OWNER_PID", MibTables.TCP6_ROW);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.ucLocalAddr", MibTables.TCP6_LOCAL_ADDR);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.dwLocalScopeId", MibTables.TCP6_LOCAL_SCOPE_ID);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.dwLocalPort", MibTables.TCP6_LOCAL_PORT);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.ucRemoteAddr", MibTables.TCP6_REMOTE_ADDR);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.dwRemoteScopeId", MibTables.TCP6_REMOTE_SCOPE_ID);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.dwRemotePort", MibTables.TCP6_REMOTE_PORT);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.dwState", MibTables.TCP6_STATE);
        m.put("offsetof MIB_TCP6ROW_OWNER_PID.dwOwningPid", MibTables.TCP6_OWNING_PID);

        m.put("sizeof MIB_UDPROW_OWNER_PID", MibTables.UDP4_ROW);
        m.put("offsetof MIB_UDPROW_OWNER_PID.dwLocalAddr", MibTables.UDP4_LOCAL_ADDR);
        m.put("offsetof MIB_UDPROW_OWNER_PID.dwLocalPort", MibTables.UDP4_LOCAL_PORT);
        m.put("offsetof MIB_UDPROW_OWNER_PID.dwOwningPid", MibTables.UDP4_OWNING_PID);

        m.put("sizeof MIB_UDP6ROW_OWNER_PID", MibTables.UDP6_ROW);
        m.put("offsetof MIB_UDP6ROW_OWNER_PID.ucLocalAddr", MibTables.UDP6_LOCAL_ADDR);
        m.put("offsetof MIB_UDP6ROW_OWNER_PID.dwLocalScopeId", MibTables.UDP6_LOCAL_SCOPE_ID);
        m.put("offsetof MIB_UDP6ROW_OWNER_PID.dwLocalPort", MibTables.UDP6_LOCAL_PORT);
        m.put("offsetof MIB_UDP6ROW_OWNER_PID.dwOwningPid", MibTables.UDP6_OWNING_PID);

        for (String table : new String[] {"MIB_TCPTABLE_OWNER_PID", "MIB_TCP6TABLE_OWNER_PID", "MIB_UDPTABLE_OWNER_PID",
            "MIB_UDP6TABLE_OWNER_PID"}) {
            m.put("offsetof " + table + ".dwNumEntries", MibTables.NUM_ENTRIES);
            m.put("offsetof " + table + ".table", MibTables.FIRST_ROW);
        }

        m.put("constant AF_INET", WindowsNative.AF_INET);
        m.put("constant AF_INET6", WindowsNative.AF_INET6);
        m.put("constant TCP_TABLE_OWNER_PID_ALL", WindowsNative.TCP_TABLE_OWNER_PID_ALL);
        m.put("constant UDP_TABLE_OWNER_PID", WindowsNative.UDP_TABLE_OWNER_PID);
        m.put("constant NO_ERROR", WindowsNative.NO_ERROR);
        m.put("constant ERROR_NOT_SUPPORTED", WindowsNative.ERROR_NOT_SUPPORTED);
        m.put("constant ERROR_INSUFFICIENT_BUFFER", WindowsNative.ERROR_INSUFFICIENT_BUFFER);
        m.put("constant MIB_TCP_STATE_CLOSED", MibTables.MIB_TCP_STATE_CLOSED);
        m.put("constant MIB_TCP_STATE_LISTEN", MibTables.MIB_TCP_STATE_LISTEN);
        m.put("constant MIB_TCP_STATE_SYN_SENT", MibTables.MIB_TCP_STATE_SYN_SENT);
        m.put("constant MIB_TCP_STATE_SYN_RCVD", MibTables.MIB_TCP_STATE_SYN_RCVD);
        m.put("constant MIB_TCP_STATE_ESTAB", MibTables.MIB_TCP_STATE_ESTAB);
        m.put("constant MIB_TCP_STATE_FIN_WAIT1", MibTables.MIB_TCP_STATE_FIN_WAIT1);
        m.put("constant MIB_TCP_STATE_FIN_WAIT2", MibTables.MIB_TCP_STATE_FIN_WAIT2);
        m.put("constant MIB_TCP_STATE_CLOSE_WAIT", MibTables.MIB_TCP_STATE_CLOSE_WAIT);
        m.put("constant MIB_TCP_STATE_CLOSING", MibTables.MIB_TCP_STATE_CLOSING);
        m.put("constant MIB_TCP_STATE_LAST_ACK", MibTables.MIB_TCP_STATE_LAST_ACK);
        m.put("constant MIB_TCP_STATE_TIME_WAIT", MibTables.MIB_TCP_STATE_TIME_WAIT);
        m.put("constant MIB_TCP_STATE_DELETE_TCB", MibTables.MIB_TCP_STATE_DELETE_TCB);
        // jna-platform's, passed by WindowsNative
        m.put("constant TH32CS_SNAPPROCESS", Tlhelp32.TH32CS_SNAPPROCESS.intValue());
        m.put("constant PROCESS_QUERY_LIMITED_INFORMATION", WinNT.PROCESS_QUERY_LIMITED_INFORMATION);
        m.put("constant TOKEN_QUERY", WinNT.TOKEN_QUERY);
        return m;
    }

    @Test
    void everySizeOffsetAndConstantEqualsTheSdkHeaders() throws Exception {
        Path probe = WineTools.compile("mib_layout");
        WineTools.Result r = WineTools.runWine(probe);
        assertEquals(0, r.exitCode(), "mib_layout.exe under wine failed: " + r.stderr());

        Map<String, Integer> printed = parse(r.stdout());
        Map<String, Integer> expected = javaValues();
        assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(printed).keySet(),
                "the probe prints what the test compares, no more, no less");
        for (Map.Entry<String, Integer> e : printed.entrySet()) {
            assertEquals(e.getValue(), expected.get(e.getKey()), e.getKey() + ": SDK headers say " + e.getValue()
                    + ", the Java constant is " + expected.get(e.getKey()));
        }
    }

    /** {@code kind name value} lines. */
    private static Map<String, Integer> parse(String output) {
        Map<String, Integer> values = new LinkedHashMap<>();
        for (String line : output.split("\r?\n")) {
            if (line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                throw new AssertionError("mib_layout.exe printed an unexpected line: " + line);
            }
            values.put(line.substring(0, space), Integer.valueOf(line.substring(space + 1).trim()));
        }
        return values;
    }
}
