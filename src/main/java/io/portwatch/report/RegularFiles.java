package io.portwatch.report;

import io.portwatch.support.FileTypes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** The one check of every file {@code report} opens: a FIFO would block in open(2) and a device never ends. */
final class RegularFiles {

    private RegularFiles() {
    }

    /**
     * Returns when {@code file} is a regular file (a link to one is followed).
     *
     * @throws IOException naming the file and what it is instead ({@code expecting a regular file (found a FIFO)})
     */
    static void require(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        if (!attributes.isRegularFile()) {
            throw new IOException(file + ": expecting a regular file (found " + FileTypes.describe(file, attributes) + ")");
        }
    }
}
