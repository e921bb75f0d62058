package io.portwatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a bash script in a network namespace of its own ({@code unshare -n}: root, as CI runs), where the only
 * sockets are those the script opens; the namespace goes away with its last process. Bounded in time.
 */
final class PrivateNetwork {

    /** What the script printed (standard output and error) and its exit code. */
    record Result(int exitCode, String output) {
    }

    private PrivateNetwork() {
    }

    static Result run(Path script, Map<String, String> environment, int timeoutSeconds)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("unshare", "-n", "bash", script.toString()).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script.getFileName() + " did not finish in " + timeoutSeconds + " s");
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(script.getFileName() + " exited " + p.exitValue()
                    + " (unshare -n needs root; CI runs as root):\n" + output);
        }
        return new Result(p.exitValue(), output);
    }
}
