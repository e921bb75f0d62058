package io.portwatch.cli;

import io.portwatch.config.HostName;
import io.portwatch.config.SettingKey;
import io.portwatch.config.Settings;
import io.portwatch.config.SettingsException;
import io.portwatch.learn.Baseline;
import io.portwatch.learn.EphemeralPorts;
import io.portwatch.learn.LearnedFiles;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Snapshot;
import io.portwatch.support.Times;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code learn}: scans once and writes both definitions files from what the host has now, as a baseline to edit
 * (see {@link Baseline} for what is left out). Never replaces a file unless {@code --force}.
 */
@Command(name = "learn", mixinStandardHelpOptions = true,
        description = {"Scans once and writes both definitions files from the sockets this host has now, as a"
                + " baseline to edit: one listening row per listening socket (not on ephemeral ports, not"
                + " portwatch's own endpoints, not on loopback unless asked), and with --connections one connection"
                + " row per remote address and port a process holds ESTABLISHED.",
                "Exit code: 0 written, 2 not written (a file exists without --force, or it cannot write)."})
final class LearnCommand extends SettingsOptions {

    @Option(names = "--out", paramLabel = "DIR",
            description = "Directory to write monitoredListeningPorts.csv and monitoredTcpConnects.csv into"
                    + " (default: the definitions directory).")
    Path out;

    @Option(names = "--connections", description = "Also learn outbound ESTABLISHED connections.")
    boolean connections;

    @Option(names = "--include-loopback", description = "Also learn sockets on loopback addresses (127.0.0.0/8, ::1).")
    boolean includeLoopback;

    @Option(names = "--force", description = "Replace files that exist.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outText = spec.commandLine().getOut();
        try {
            return learn(outText, err);
        } finally {
            outText.flush();
            err.flush();
        }
    }

    private int learn(PrintWriter stdout, PrintWriter err) {
        Settings settings;
        try {
            settings = settings();
        } catch (SettingsException e) {
            e.problems().forEach(err::println);
            return 2;
        }
        Path directory = out != null ? out : settings.getPath(SettingKey.DEFINITIONS);
        Snapshot snapshot;
        try {
            snapshot = OneScan.scan(settings);
        } catch (Exception e) {
            err.println("learn: cannot scan sockets: " + e.getMessage());
            return 2;
        }
        Baseline baseline = Baseline.of(snapshot, new Baseline.Options(EphemeralPorts.ofThisHost(),
                ownPorts(settings), includeLoopback, connections));
        String learned = Times.iso(snapshot.takenAt()) + " on " + HostName.of(settings);
        List<Path> written;
        try {
            written = LearnedFiles.write(directory, baseline, learned, connections, force);
        } catch (FileAlreadyExistsException e) {
            err.println("learn: " + e.getFile() + " " + e.getReason() + "; nothing written");
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("learn: cannot write into " + directory + ": " + e);
            return 2;
        }
        stdout.println("wrote " + baseline.listening().size() + " listening row(s) to " + written.get(0));
        baseline.listening().forEach(l -> stdout.println("  " + l.protocol().label() + " "
                + Addresses.format(l.address(), l.port()) + " " + (l.process().isEmpty()
                ? "(owner not visible: " + l.hidden() + ")" : l.process())));
        stdout.println("wrote " + baseline.connections().size() + " connection row(s) to " + written.get(1)
                + (connections ? "" : " (give --connections to learn them)"));
        baseline.connections().forEach(c -> stdout.println("  " + Addresses.format(c.remote(), c.remotePort()) + " "
                + (c.process().isEmpty() ? "(owner not visible: " + c.hidden() + ")" : c.process())));
        stdout.println("edit them, then: " + JarCommand.ofThisJar() + " check --definitions=" + directory);
        return 0;
    }

    /** The ports of portwatch's own endpoints, when enabled: a daemon's endpoints are not the host's services. */
    private static Set<Integer> ownPorts(Settings settings) {
        Set<Integer> ports = new HashSet<>();
        if (settings.getBoolean(SettingKey.PROMETHEUS_ENABLED)) {
            ports.add(settings.getInt(SettingKey.PROMETHEUS_PORT));
        }
        if (settings.getBoolean(SettingKey.JOLOKIA_ENABLED)) {
            ports.add(settings.getInt(SettingKey.JOLOKIA_PORT));
        }
        return ports;
    }
}
