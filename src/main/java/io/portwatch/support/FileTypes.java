package io.portwatch.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * What a file that is not a regular file is, in words for an error message ({@code a FIFO}, {@code a directory},
 * ...): inputs are read only when they are regular files, because opening a FIFO blocks and a device never ends.
 */
public final class FileTypes {

    private FileTypes() {
    }

    /** {@code a directory}, {@code a FIFO}, {@code a character device}, {@code a block device}, {@code a socket}, or {@code a special file}. */
    public static String describe(Path path, BasicFileAttributes attributes) {
        if (attributes.isDirectory()) {
            return "a directory";
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            switch (mode & 0170000) {
                case 0010000:
                    return "a FIFO";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // no "unix" attribute view on this platform: say no more than the basic attributes do
        }
        return "a special file";
    }
}
