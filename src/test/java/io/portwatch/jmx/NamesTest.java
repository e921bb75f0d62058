package io.portwatch.jmx;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class NamesTest {

    private static String readBack(ObjectName name) {
        String v = name.getKeyProperty("name");
        return v.startsWith("\"") ? ObjectName.unquote(v) : v;
    }

    @Test
    void idsAndOrdinaryProcessNamesStayUnquoted() {
        assertEquals("portwatch:type=Agent", Names.agent().toString());
        assertEquals("portwatch:type=ListeningPort,name=tcp-any-22-sshd",
                Names.of(Names.LISTENING_PORT, "tcp-any-22-sshd").toString());
        assertEquals("portwatch:type=TcpConnection,name=db.primary_1433",
                Names.of(Names.TCP_CONNECTION, "db.primary_1433").toString());
        assertEquals("portwatch:type=Process,name=java", Names.of(Names.PROCESS, "java").toString());
        for (String plain : new String[] {"kworker/u8", "systemd-journal", "Google Chrome Helper (Renderer)", "nginx.exe",
                "日本語", "tab\there", "back\\slash", "[kthreadd]", "a;b", "x y z"}) {
            assertEquals(plain, Names.value(plain), plain);
        }
    }

    @Test
    void valuesWithObjectNameSyntaxAreQuoted() {
        assertEquals("\"weird,name:x\"", Names.value("weird,name:x"));
        assertEquals("portwatch:type=Process,name=\"weird,name:x\"", Names.of(Names.PROCESS, "weird,name:x").toString());
        assertEquals("\"\"", Names.value(""));
        assertEquals("\"a\\*\"", Names.value("a*"));
        assertEquals("\"a\\?\"", Names.value("a?"));
        assertEquals("\"a=b\"", Names.value("a=b"));
        assertEquals("\"say \\\"hi\\\"\"", Names.value("say \"hi\""));
        assertEquals("\"two\\nlines\"", Names.value("two\nlines"));
    }

    @Test
    void everyCharacterRoundTripsAndNeverMakesAPattern() {
        for (char c = 0; c < 0x250; c++) {
            String name = "a" + c + "b";
            ObjectName on = Names.of(Names.PROCESS, name);
            assertFalse(on.isPattern(), name);
            assertEquals(name, readBack(on), "char " + (int) c);
            assertEquals(",=:\"*?\n".indexOf(c) >= 0, Names.value(name).startsWith("\""), "char " + (int) c);
        }
    }
}
