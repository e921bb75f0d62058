package io.portwatch.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Runs Debian's headless {@code chromium} on a page, bounded by a timeout, killing it (by PID) if it hangs. */
final class Chromium {

    private static final long TIMEOUT_SECONDS = 90;

    /** What one run printed. */
    record Run(String stdout, String stderr) {
        /**
         * Lines of the page's console ({@code CONSOLE(12)} in older builds, {@code :CONSOLE:12]} in newer), uncaught
         * errors and content the Content Security Policy refused.
         */
        List<String> pageProblems() {
            return stderr.lines().filter(l -> l.contains("CONSOLE(") || l.contains(":CONSOLE:") || l.contains("Uncaught")
                    || l.contains("Refused to") || l.contains("Content Security Policy")).collect(Collectors.toList());
        }
    }

    private Chromium() {
    }

    static Path executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        fail("chromium is not installed: the HTML report test needs Debian's chromium, which bin/test installs"
                + " (apt-get install -y --no-install-recommends chromium)");
        return null;
    }

    /** Opens the page with these extra flags. */
    static Run run(Path page, Path work, String... flags) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "profile");
        List<String> command = new ArrayList<>(List.of(executable().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        command.addAll(List.of(flags));
        command.add(page.toUri().toString());
        Path out = Files.createTempFile(work, "chromium", ".out");
        Path err = Files.createTempFile(work, "chromium", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            fail("chromium (pid " + process.pid() + ") did not finish in " + TIMEOUT_SECONDS + " s and was killed; stderr: "
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        Run run = new Run(Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        if (process.exitValue() != 0) {
            fail("chromium exited with " + process.exitValue() + "; stderr: " + run.stderr());
        }
        return run;
    }
}
