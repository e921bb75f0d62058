package io.portwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar portwatch.jar COMMAND ...}: the only place that may exit the JVM. */
@Command(name = "portwatch", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Checks that the listening ports and TCP connections a host should have are there.",
        subcommands = {CheckCommand.class, ConnectionsCommand.class, ReportCommand.class, ValidateCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
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
