package io.portwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar portwatch.jar COMMAND ...}: the only place that may exit the JVM. */
@Command(name = "portwatch", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Checks that the listening ports and TCP connections a host should have are there.",
        subcommands = {CheckCommand.class, ConnectionsCommand.class, ValidateCommand.class, LearnCommand.class, RunCommand.class,
                AttachCommand.class, ReportCommand.class, HashPasswordCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // our own JVM (not an agent's host): one line per log record
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL%1$tz %4$s %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    /** Runs a command and returns its exit code (for tests and for {@link #main}). */
    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
