package io.portwatch.history;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** The history files' entry to portwatch's one CSV dialect, {@link io.portwatch.text.Csv}: writing and reading. */
final class Csv {

    private Csv() {
    }

    /** One whole record, ending in {@code \n}. */
    static String line(Object... values) {
        return io.portwatch.text.Csv.line(values);
    }

    /** The header record of a file. */
    static String header(List<String> columns) {
        return io.portwatch.text.Csv.line(columns);
    }

    /**
     * The header of a CSV file: its first record, after a PowerShell {@code #TYPE} line; empty for an empty file.
     *
     * @param name what errors name: {@code name:line: ...}
     * @throws IOException when it cannot be read or is not CSV the dialect takes (an unterminated quote, a field over
     *                     the bound)
     */
    static Optional<List<String>> header(InputStream in, String name) throws IOException {
        try (io.portwatch.text.Csv.Reader csv = io.portwatch.text.Csv.Reader.utf8(in, name)) {
            return csv.header();
        }
    }
}
