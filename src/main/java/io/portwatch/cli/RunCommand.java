package io.portwatch.cli;

import io.portwatch.agent.PortwatchRuntime;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.scan.SocketSources;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/** {@code run}: the daemon, in the foreground, until SIGTERM or SIGINT; then a clean stop. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs portwatch as a daemon in the foreground until SIGTERM/SIGINT.",
                "Any setting may be given as --key=value (see the README's settings table)."})
final class RunCommand extends SettingsCommand {

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Settings settings;
        try {
            settings = settings();
        } catch (SettingsException e) {
            e.problems().forEach(err::println);
            err.flush();
            return 2;
        }
        if (!settings.getBoolean(SettingKey.ENABLED)) {
            err.println("portwatch is disabled (enabled=false, " + settings.origin(SettingKey.ENABLED) + ")");
            err.flush();
            return 0;
        }
        preferNoDelay();
        PortwatchRuntime runtime;
        try {
            runtime = PortwatchRuntime.start(settings);
        } catch (SocketSources.UnsupportedPlatformException e) {
            err.println(e.getMessage());
            err.flush();
            return 3;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "portwatch-shutdown"));
        stopped.await();
        return 0;
    }

    /** The JDK property that turns Nagle's algorithm off on the connections of the JDK's HTTP server. */
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    /**
     * The JDK HTTP server (Jolokia's and /metrics') sends the response headers in a segment of their
     * own (JDK-6968351; measured on 17 and 25); with Nagle's algorithm on, a body shorter than one segment
     * then waits for the client's delayed ACK, about 40 ms on Linux, on every request of a kept-alive
     * connection. This JVM is portwatch's own, so the daemon sets TCP_NODELAY unless told otherwise
     * ({@code -Dsun.net.httpserver.nodelay=false}). The agent leaves the host JVM's properties alone.
     */
    static void preferNoDelay() {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }
}
