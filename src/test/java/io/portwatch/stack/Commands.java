package io.portwatch.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs the monitoring stack's own checkers (promtool, amtool, systemd-analyze) as processes. */
final class Commands {

    /** Where the files under test live: the Maven basedir (surefire sets it), else the working directory. */
    static final Path PROJECT_ROOT = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    record Result(List<String> command, int exitCode, String output) {
        /** Fails with the command and everything it printed unless it exited 0. */
        void assertSuccess() {
            assertEquals(0, exitCode, () -> String.join(" ", command) + " exited " + exitCode + ":\n" + output);
        }
    }

    private Commands() {
    }

    /** The executable {@code name} on PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The executable {@code name} on PATH; a missing tool fails the test (never skips it): CI must
     * have it, and {@code bin/test} installs it from Debian package {@code debianPackage}.
     */
    static Path require(String name, String debianPackage) {
        return onPath(name).orElseGet(() -> fail(name + " is not on PATH. It is needed to check the monitoring"
                + " stack files; bin/test installs it (apt-get install " + debianPackage + ")."));
    }

    /** Runs {@code command} in the project root, stdout and stderr together, within a time limit. */
    static Result run(List<String> command) {
        Path log = null;
        try {
            log = Files.createTempFile("portwatch-stack-", ".log");
            Process process = new ProcessBuilder(command)
                    .directory(PROJECT_ROOT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within " + TIMEOUT + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /** Reads a project file as UTF-8 text; a missing file fails the test with its path. */
    static String read(String relativePath) {
        Path file = PROJECT_ROOT.resolve(relativePath);
        if (!Files.isRegularFile(file)) {
            fail("missing file " + relativePath + " (looked in " + PROJECT_ROOT + ")");
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fail("cannot read " + file, e);
        }
    }
}
