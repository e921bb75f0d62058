package io.portwatch.history;

import org.apache.commons.csv.CSVFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The CSV dialect of every file portwatch writes: RFC 4180 quoting, records ended by a line feed. */
final class Csv {

    /** RFC 4180 quoting (a field with a comma, quote or line break is quoted), LF between records. */
    static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

    /** For reading: any line ending, blank lines skipped, no header handling (callers read it). */
    static final CSVFormat READ = CSVFormat.DEFAULT.builder().setIgnoreEmptyLines(true).get();

    private Csv() {
    }

    /** One whole record, ending in {@code \n}. */
    static String line(Object... values) {
        StringBuilder b = new StringBuilder(128);
        try {
            FORMAT.printRecord(b, values);
        } catch (IOException e) { // a StringBuilder does not throw
            throw new UncheckedIOException(e);
        }
        return b.toString();
    }

    /** The header record of a file. */
    static String header(List<String> columns) {
        return line(columns.toArray());
    }
}
