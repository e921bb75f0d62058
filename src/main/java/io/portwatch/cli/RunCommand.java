package io.portwatch.cli;

import io.portwatch.agent.EndpointFailedException;
import io.portwatch.agent.PortwatchRuntime;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.scan.SocketSources;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/**
 * {@code run}: the daemon, in the foreground, until SIGTERM or SIGINT; then a clean stop. Exits 1 at once when an
 * enabled endpoint cannot start, 2 on bad settings, 3 where no socket source works.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs portwatch as a daemon in the foreground until SIGTERM/SIGINT.",
                "Any setting may be given as --key=value (see docs/settings.md)."})
final class RunCommand extends SettingsOptions {

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
        PortwatchRuntime runtime;
        try {
            runtime = PortwatchRuntime.start(settings);
        } catch (SocketSources.UnsupportedPlatformException e) {
            err.println(e.getMessage());
            err.flush();
            return 3;
        } catch (EndpointFailedException e) { // a daemon without the endpoint asked for: fail, so systemd shows it
            err.println("portwatch: not started: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "portwatch-shutdown"));
        stopped.await();
        return 0;
    }
}
