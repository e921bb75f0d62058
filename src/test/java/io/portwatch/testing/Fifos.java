package io.portwatch.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Named pipes for the hostile-input tests: opening one without a writer blocks in open(2). */
public final class Fifos {

    private Fifos() {
    }

    /** Makes a FIFO at {@code path} ({@code mkfifo}, at most 10 s). */
    public static Path make(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo " + path);
        return path;
    }
}
