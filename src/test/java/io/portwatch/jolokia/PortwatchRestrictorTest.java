package io.portwatch.jolokia;

import org.jolokia.server.core.util.HttpMethod;
import org.jolokia.server.core.util.RequestType;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled policy on its own, without the {@link RequestGate} in front of it. */
class PortwatchRestrictorTest {

    private final PortwatchRestrictor policy = PortwatchRestrictor.load();

    @Test
    void readsEveryAttributeOfPortwatchAndJavaLangOnly() throws Exception {
        assertTrue(policy.isAttributeReadAllowed(name("portwatch:type=ListeningPort,name=ssh"), "Health"));
        assertTrue(policy.isAttributeReadAllowed(name("portwatch:type=Process,name=java"), "Pids"));
        assertTrue(policy.isAttributeReadAllowed(name("portwatch:type=Agent"), "Scans"));
        assertTrue(policy.isAttributeReadAllowed(name("java.lang:type=Memory"), "HeapMemoryUsage"));
        assertFalse(policy.isAttributeReadAllowed(name("java.util.logging:type=Logging"), "LoggerNames"));
        assertFalse(policy.isAttributeReadAllowed(name("com.sun.management:type=HotSpotDiagnostic"), "DiagnosticOptions"));
        assertFalse(policy.isAttributeReadAllowed(name("jolokia:type=Config,agent=x"), "HistoryMaxEntries"));
    }

    @Test
    void runtimeShowsNeitherCommandLineNorPropertiesNorPaths() throws Exception {
        ObjectName runtime = name("java.lang:type=Runtime");
        for (String refused : new String[] {"SystemProperties", "InputArguments", "ClassPath", "LibraryPath", "BootClassPath", "*"}) {
            assertFalse(policy.isAttributeReadAllowed(runtime, refused), refused);
        }
        assertTrue(policy.isAttributeReadAllowed(runtime, "Uptime"));
        assertTrue(policy.isAttributeReadAllowed(runtime, "Name"));
        // the rule is for the one registered name; other names are other (unregistered) MBeans
        assertTrue(policy.isAttributeReadAllowed(name("java.lang:type=Runtime,name=x"), "SystemProperties"));
    }

    @Test
    void writesNothing() throws Exception {
        assertFalse(policy.isTypeAllowed(RequestType.WRITE));
        assertFalse(policy.isAttributeWriteAllowed(name("portwatch:type=ListeningPort,name=ssh"), "Health"));
        assertFalse(policy.isAttributeWriteAllowed(name("portwatch:type=Agent"), "Scans"));
        assertFalse(policy.isAttributeWriteAllowed(name("java.lang:type=Memory"), "Verbose"));
    }

    @Test
    void executesOnlyTheAgentsScanNowAndReloadDefinitions() throws Exception {
        assertTrue(policy.isOperationAllowed(name("portwatch:type=Agent"), "scanNow"));
        assertTrue(policy.isOperationAllowed(name("portwatch:type=Agent"), "scanNow()"));
        assertTrue(policy.isOperationAllowed(name("portwatch:type=Agent"), "reloadDefinitions"));
        assertFalse(policy.isOperationAllowed(name("portwatch:type=Agent"), "shutdown"));
        assertFalse(policy.isOperationAllowed(name("portwatch:type=Agent"), "scanNow(java.lang.String)"));
        assertFalse(policy.isOperationAllowed(name("portwatch:type=Agent,extra=1"), "scanNow"));
        assertFalse(policy.isOperationAllowed(name("portwatch:type=ListeningPort,name=ssh"), "scanNow"));
        assertFalse(policy.isOperationAllowed(name("java.lang:type=Memory"), "gc"));
        assertFalse(policy.isOperationAllowed(name("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap"));
    }

    @Test
    void listSearchAndVersionAreAllowedNotificationIsNot() {
        assertTrue(policy.isTypeAllowed(RequestType.LIST));
        assertTrue(policy.isTypeAllowed(RequestType.SEARCH));
        assertTrue(policy.isTypeAllowed(RequestType.VERSION));
        assertFalse(policy.isTypeAllowed(RequestType.READ));
        assertFalse(policy.isTypeAllowed(RequestType.EXEC));
        assertFalse(policy.isTypeAllowed(RequestType.NOTIFICATION));
    }

    @Test
    void listAndSearchShowOnlyThePortwatchAndJavaLangDomains() throws Exception {
        assertFalse(policy.isObjectNameHidden(name("portwatch:type=Agent")));
        assertFalse(policy.isObjectNameHidden(name("java.lang:type=Memory")));
        assertFalse(policy.isObjectNameHidden(name("java.lang:type=Runtime")));
        assertTrue(policy.isObjectNameHidden(name("java.util.logging:type=Logging")));
        assertTrue(policy.isObjectNameHidden(name("com.sun.management:type=DiagnosticCommand")));
        assertTrue(policy.isObjectNameHidden(name("portwatch.other:type=Agent")));
        assertTrue(policy.isObjectNameHidden(name("JMImplementation:type=MBeanServerDelegate")));
    }

    @Test
    void onlyGetAndPostAndOnlyLocalBrowserOrigins() {
        assertTrue(policy.isHttpMethodAllowed(HttpMethod.GET));
        assertTrue(policy.isHttpMethodAllowed(HttpMethod.POST));
        assertTrue(policy.isOriginAllowed("http://localhost:3000", false));
        assertTrue(policy.isOriginAllowed("https://127.0.0.1", false));
        assertFalse(policy.isOriginAllowed("http://evil.example", false));
        assertFalse(policy.isOriginAllowed("http://localhost.evil.example", false));
        assertTrue(policy.isOriginAllowed(null, true));
    }

    private static ObjectName name(String name) throws Exception {
        return new ObjectName(name);
    }
}
