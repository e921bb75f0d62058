package io.portwatch.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file a command produces (a report, learned definitions) without following what already lies at its
 * path: the bytes go to a new private file beside it ({@code createTempFile}: a new name, mode 0600), which then
 * replaces the path by a rename. A symbolic or hard link planted at the path is replaced, never written through, so
 * a command run as root cannot be made to truncate or write another file (docs/design.md §5).
 */
public final class ReplacedFile {

    private ReplacedFile() {
    }

    /** Replaces {@code path} with a file holding {@code bytes}; nothing is left behind when it fails. */
    public static void write(Path path, byte[] bytes) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path parent = absolute.getParent();
        Path temporary = Files.createTempFile(parent, "." + absolute.getFileName(), ".writing");
        try {
            Files.write(temporary, bytes);
            Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
