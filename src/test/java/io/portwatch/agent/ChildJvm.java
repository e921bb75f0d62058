package io.portwatch.agent;

import io.portwatch.testing.Poll;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Child JVMs running {@link HostMain}, with or without portwatch as agent. Bounded in time; stopped by PID. */
final class ChildJvm implements AutoCloseable {

    /** What a finished child printed. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> threads() {
            List<String> out = new ArrayList<>();
            stdout.lines().filter(l -> l.startsWith("THREAD ")).forEach(l -> out.add(l.substring(7)));
            return out;
        }
    }

    private final Process process;
    private final BufferedReader stdout;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("portwatch.jar", "target/portwatch.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with mvn verify");
        }
        return jar;
    }

    static List<String> command(List<String> jvmOptions, String mode) {
        return command(jvmOptions, mode, List.of());
    }

    static List<String> command(List<String> jvmOptions, String mode, List<String> mainArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", Path.of("target/test-classes").toAbsolutePath().toString(),
                HostMain.class.getName(), mode));
        command.addAll(mainArgs);
        return command;
    }

    /** Runs a child to its end (at most 60 s) and returns what it printed. */
    static Result run(List<String> jvmOptions, String mode, Path errFile) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(jvmOptions, mode)).redirectError(errFile.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not exit by itself: " + out);
        }
        return new Result(p.exitValue(), out, Files.readString(errFile));
    }

    /** Starts a child in {@code stay} mode and waits for its READY line. */
    static ChildJvm start(List<String> jvmOptions, Path errFile) throws IOException {
        return start(jvmOptions, errFile, Path.of("").toAbsolutePath());
    }

    /** Starts a child in {@code stay} mode in a working directory of the test's and waits for its READY line. */
    static ChildJvm start(List<String> jvmOptions, Path errFile, Path workingDirectory) throws IOException {
        Process p = new ProcessBuilder(command(jvmOptions, "stay")).directory(workingDirectory.toFile())
                .redirectError(errFile.toFile()).start();
        ChildJvm child = new ChildJvm(p);
        String ready = child.stdout.readLine();
        if (ready == null || !ready.startsWith("READY")) {
            child.close();
            throw new AssertionError("child did not start: " + ready + "\n" + Files.readString(errFile));
        }
        return child;
    }

    /**
     * Starts a child in {@code stay} mode with {@code stayArgs} (ballast, heartbeat file), its standard output and
     * error written to files (nothing can fill a pipe and stall it), and waits up to 60 s for its READY line.
     */
    static ChildJvm start(List<String> jvmOptions, List<String> stayArgs, Path outFile, Path errFile,
            Path workingDirectory) throws Exception {
        Process p = new ProcessBuilder(command(jvmOptions, "stay", stayArgs)).directory(workingDirectory.toFile())
                .redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
        ChildJvm child = new ChildJvm(p);
        try {
            Poll.until(Duration.ofSeconds(60), () -> "child did not start\n" + read(outFile) + "\n" + read(errFile),
                    () -> {
                        if (!p.isAlive()) {
                            throw new AssertionError("child exited with " + p.exitValue() + "\n" + read(errFile));
                        }
                        return read(outFile).startsWith("READY");
                    });
        } catch (Exception | AssertionError e) {
            child.close();
            throw e;
        }
        return child;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    long pid() {
        return process.pid();
    }

    /** Closes the child's standard input (its main then returns) and waits up to 30 s for its exit code. */
    int finish() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the host did not end by itself");
        }
        return process.exitValue();
    }

    /** Whether the child still runs. */
    boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A port that was free a moment ago. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
