package io.portwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code java -jar target/portwatch.jar ...} as a separate process, bounded in time. */
final class JarProcess {

    /** What a finished process said. */
    record Result(int exitCode, String output) {
    }

    private JarProcess() {
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("portwatch.jar", "target/portwatch.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with mvn verify");
        }
        return jar;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(java.util.Map.of(), args);
    }

    /** As {@link #run(String...)}, with these variables added to the environment. */
    static Result run(java.util.Map<String, String> environment, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        // the output goes to a file, not a pipe: a child that writes more than a pipe holds never blocks on it
        java.nio.file.Path output = java.nio.file.Files.createTempFile("portwatch-jar-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process p = builder.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), java.nio.file.Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            java.nio.file.Files.deleteIfExists(output);
        }
    }
}
