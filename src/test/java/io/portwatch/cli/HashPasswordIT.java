package io.portwatch.cli;

import io.portwatch.http.Credentials;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hash-password} on the built jar, the password on standard input as a script would give it. */
class HashPasswordIT {

    private static JarProcess.Result hash(String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(JarProcess.java(), "-jar", JarProcess.jar().toString(), "hash-password"))
                .redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hash-password did not end");
        }
        return new JarProcess.Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void printsABcryptHashOfTheFirstLine() throws Exception {
        JarProcess.Result r = hash("s3cret wörd\nignored\n");
        assertEquals(0, r.exitCode(), r.output());
        String hash = r.output().trim();
        assertTrue(Credentials.isBcryptHash(hash), hash);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString("ops:s3cret wörd".getBytes(StandardCharsets.UTF_8));
        assertEquals(Credentials.Verdict.ACCEPTED, Credentials.of("ops", hash).check(basic));
    }

    @Test
    void noPasswordIsExitCode2() throws Exception {
        JarProcess.Result r = hash("");
        assertEquals(2, r.exitCode(), r.output());
        assertEquals("hash-password: no password given", r.output().trim());
    }
}
