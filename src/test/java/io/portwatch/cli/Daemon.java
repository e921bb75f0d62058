package io.portwatch.cli;

import io.portwatch.testing.Poll;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar portwatch.jar run} as a child process with Jolokia on a free loopback port: started, its Jolokia
 * URL read from its start line, stopped by its own pid on {@link #close}.
 */
final class Daemon implements AutoCloseable {

    /** How long a daemon may take to start and scan once on a loaded machine. */
    static final Duration START = Duration.ofSeconds(60);

    private static final Pattern JOLOKIA = Pattern.compile(", jolokia (https?://\\S+/jolokia/)");

    private final Process process;
    private final Path log;
    private final String url;

    private Daemon(Process process, Path log, String url) {
        this.process = process;
        this.log = log;
        this.url = url;
    }

    /**
     * Starts a daemon on {@code definitions} with a 1 s interval and the extra settings, its command line after
     * {@code prefix} (e.g. {@code unshare -m}); returns once it has scanned once.
     */
    static Daemon start(Path dir, Path definitions, List<String> prefix, String... settings) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(JarProcess.java(), "-jar", JarProcess.jar().toAbsolutePath().toString(), "run",
                "--definitions=" + definitions, "--interval=1", "--prometheus.enabled=false", "--jolokia.port=0"));
        command.addAll(List.of(settings));
        Path log = Files.createTempFile(dir, "daemon", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            String url = Poll.value(START, () -> "no start line with a Jolokia URL and a first scan:\n" + read(log), () -> {
                if (!p.isAlive()) {
                    throw new AssertionError("the daemon exited with " + p.exitValue() + ":\n" + read(log));
                }
                String text = read(log);
                Matcher m = JOLOKIA.matcher(text);
                return m.find() && text.contains("portwatch: first scan:") ? m.group(1) : null;
            });
            return new Daemon(p, log, url);
        } catch (Throwable e) {
            stop(p);
            throw e;
        }
    }

    /** The Jolokia URL, e.g. {@code http://127.0.0.1:40123/jolokia/}. */
    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    String log() {
        return read(log);
    }

    /** Stops the daemon now (closing it again does nothing more). */
    void stop() {
        stop(process);
    }

    @Override
    public void close() {
        stop(process);
    }

    /** Stops the daemon by its pid (SIGTERM, then SIGKILL after 10 s) and waits until it is gone. */
    private static void stop(Process p) {
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException notYet) {
            return "";
        }
    }
}
