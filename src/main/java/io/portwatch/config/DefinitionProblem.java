package io.portwatch.config;

/**
 * One problem found in a definitions file, printed as
 * {@code monitoredListeningPorts.csv:7: localPort: expecting 1-65535 (found "80a")}.
 *
 * @param source  file and line (line 0 for the file as a whole)
 * @param column  the column concerned, "" when none
 * @param message what is wrong, naming the value
 */
public record DefinitionProblem(Source source, String column, String message) {

    @Override
    public String toString() {
        return source + ": " + (column.isEmpty() ? "" : column + ": ") + message;
    }
}
