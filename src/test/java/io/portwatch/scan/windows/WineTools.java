package io.portwatch.scan.windows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Compiles the C programs of {@code src/test/c} with mingw-w64 and runs them under wine, for the tests that check
 * portwatch's Windows decoders against the SDK headers and against tables a real IP Helper implementation (wine's)
 * produced. The wine prefix lives in {@code target/wine} (created on first use, about 700 MB; {@code mvn clean}
 * removes it), never in the user's home; wine's home and its server's runtime directory are under {@code target/}
 * too. Every run has a deadline; a process still running then is killed, with its
 * descendants, by pid, and the prefix's wineserver is told to kill its processes. A missing compiler or wine fails
 * the test: {@code bin/test} installs both.
 */
final class WineTools {

    static final String MINGW_GCC = "x86_64-w64-mingw32-gcc";
    static final String WINE = "wine";
    static final String WINESERVER = "wineserver";

    /** The first run creates the prefix (about 10 s here, more on a slow disk). */
    static final Duration WINE_DEADLINE = Duration.ofMinutes(5);
    static final Duration COMPILE_DEADLINE = Duration.ofMinutes(2);

    static final Path TARGET = Path.of("target").toAbsolutePath();
    static final Path PREFIX = TARGET.resolve("wine");
    static final Path BUILD = TARGET.resolve("wine-programs");
    /** {@code TMPDIR} of the wine processes (when short enough). */
    static final Path TMP = TARGET.resolve("wine-tmp");
    /** {@code HOME} of the wine processes. */
    static final Path HOME = TARGET.resolve("wine-home");

    private WineTools() {
    }

    /** What a finished process printed. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** The absolute path of a command on the PATH, or a test failure naming the Debian package. */
    static Path command(String name, String debianPackage) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        return fail("no " + name + " on the PATH: bin/test installs it (Debian package " + debianPackage + ")");
    }

    static Path wine() {
        return command(WINE, "wine");
    }

    static Path wineserver() {
        return command(WINESERVER, "wine");
    }

    /** Compiles {@code src/test/c/<name>.c} into {@code target/wine-programs/<name>.exe}; a warning is an error. */
    static Path compile(String name) throws IOException, InterruptedException {
        Path gcc = command(MINGW_GCC, "gcc-mingw-w64-x86-64");
        Path source = Path.of("src", "test", "c", name + ".c").toAbsolutePath();
        Files.createDirectories(BUILD);
        Path exe = BUILD.resolve(name + ".exe");
        Result r = run(List.of(gcc.toString(), "-std=c11", "-Wall", "-Wextra", "-Werror", "-O1", "-o", exe.toString(),
                source.toString(), "-liphlpapi", "-lws2_32"), Map.of(), COMPILE_DEADLINE);
        if (r.exitCode() != 0) {
            fail(MINGW_GCC + " " + source + " failed (exit " + r.exitCode() + "):\n" + r.stderr());
        }
        return exe;
    }

    /**
     * The environment of every wine process: the prefix under {@code target/}, no debug output, no Mono or Gecko
     * install prompts, no menu entries ({@code winemenubuilder}), a home under {@code target/} (creating a prefix
     * otherwise writes to the user's {@code ~/.cache}), and no display (the programs are console programs; wine runs
     * them without X).
     */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(Map.of("WINEPREFIX", PREFIX.toString(), "WINEDEBUG", "-all",
                "WINEDLLOVERRIDES", "mscoree,mshtml=;winemenubuilder.exe=d",
                "HOME", HOME.toString(), "XDG_CACHE_HOME", HOME.resolve(".cache").toString(),
                "XDG_CONFIG_HOME", HOME.resolve(".config").toString(), "XDG_DATA_HOME", HOME.resolve(".local/share").toString()));
        // Debian's wineserver keeps its socket in $TMPDIR/wine-XXXXXX/server-DEV-INODE/ (named in the prefix), which
        // would outlive the prefix in /tmp; under target/ unless the socket's path would pass the 108-byte limit
        if (TMP.toString().length() + "/wine-XXXXXX/server-ffff-ffffffffffff/socket".length() < 100) {
            env.put("TMPDIR", TMP.toString());
        }
        return env;
    }

    /** A Linux path as wine's Windows programs name it (wine maps {@code Z:} to {@code /}). */
    static String windowsPath(Path path) {
        return "Z:" + path.toAbsolutePath().toString().replace('/', '\\');
    }

    /**
     * Runs a Windows program under wine (in this network namespace) and waits until the prefix's wineserver has
     * exited, so that the next wine process, maybe in another namespace, starts its own.
     */
    static Result runWine(Path exe, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wine().toString(), exe.toString()));
        command.addAll(List.of(args));
        Result r = run(command, environment(), WINE_DEADLINE);
        waitForWineserver();
        return r;
    }

    /** {@code wineserver -w}: returns once the prefix's wineserver (if any) has exited. */
    static void waitForWineserver() throws IOException, InterruptedException {
        Result r = run(List.of(wineserver().toString(), "-w"), environment(), Duration.ofMinutes(1));
        if (r.exitCode() != 0) {
            fail("wineserver -w failed (exit " + r.exitCode() + "): " + r.stderr());
        }
    }

    /**
     * Runs a command with {@code extraEnv} added (and {@code DISPLAY}, {@code WAYLAND_DISPLAY} removed), its output in
     * files; past the deadline it and its descendants are killed by pid and the test fails.
     */
    static Result run(List<String> command, Map<String, String> extraEnv, Duration deadline)
            throws IOException, InterruptedException {
        Files.createDirectories(BUILD);
        Files.createDirectories(HOME);
        Files.createDirectories(TMP);
        Path out = Files.createTempFile(BUILD, "out", ".txt");
        Path err = Files.createTempFile(BUILD, "err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            pb.environment().remove("DISPLAY");
            pb.environment().remove("WAYLAND_DISPLAY");
            pb.environment().putAll(extraEnv);
            Process p = pb.start();
            if (!p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
                tree.forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                if (extraEnv.containsKey("WINEPREFIX")) {
                    killWineserver(extraEnv);
                }
                fail(String.join(" ", command) + " did not finish within " + deadline + "; killed pid " + p.pid()
                        + " and " + tree.size() + " descendants; stderr:\n" + text(err));
            }
            return new Result(p.exitValue(), text(out),
                    text(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * {@code wineserver -k}: the prefix's wineserver (started by this test's wine, daemonized, so no descendant of it)
     * kills its wine processes and exits. Best effort, after a deadline has passed.
     */
    private static void killWineserver(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(wineserver().toString(), "-k").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    private static String text(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8); // malformed bytes replaced, not thrown
    }
}
