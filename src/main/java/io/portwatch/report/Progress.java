package io.portwatch.report;

import java.nio.file.Path;

/** Told how far reading the inputs of a report has got, every few thousand rows. */
@FunctionalInterface
public interface Progress {
    void at(Path file, long bytesDone, long bytesTotal);

    Progress NONE = (file, done, total) -> { };
}
