package io.portwatch.config;

/**
 * Where a row was defined: file name and 1-based line, as {@code monitoredListeningPorts.csv:7}.
 */
public record Source(String file, long line) {

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
