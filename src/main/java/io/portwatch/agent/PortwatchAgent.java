package io.portwatch.agent;

import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} and dynamic-attach entry points. Both return at once: portwatch starts on
 * its own daemon thread, and nothing it does can throw into the host or stop it (docs/design.md §5).
 */
public final class PortwatchAgent {

    private PortwatchAgent() {
    }

    /** {@code -javaagent:portwatch.jar[=key=value,...]}. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        AgentLauncher.launch(arguments);
    }

    /** Dynamic attach ({@code java -jar portwatch.jar attach PID}). */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        premain(arguments, instrumentation);
    }
}
