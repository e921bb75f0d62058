package io.portwatch.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads logs back with commons-csv, checking the header on the way. */
final class CsvFiles {

    private CsvFiles() {
    }

    /** The data rows of one file, after checking that its first line, and only it, is the header. */
    static List<CSVRecord> rows(Path file, List<String> header) throws IOException {
        List<CSVRecord> out = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser parser = CSVParser.builder().setReader(in).setFormat(CSVFormat.DEFAULT).get()) {
            boolean first = true;
            for (CSVRecord r : parser) {
                if (first) {
                    assertEquals(header, r.toList(), file + ": header");
                    first = false;
                } else {
                    assertNotEquals(header, r.toList(), file + ": header repeated at line " + parser.getCurrentLineNumber());
                    assertEquals(header.size(), r.size(), file + ": incomplete row " + r);
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** Every file of one log in {@code dir}: rotated ones and the live one. */
    static List<Path> files(Path dir, String baseName) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, baseName + "*.csv")) {
            s.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    /** The data rows of every file of one log. */
    static List<CSVRecord> allRows(Path dir, String baseName, List<String> header) throws IOException {
        List<CSVRecord> out = new ArrayList<>();
        for (Path f : files(dir, baseName)) {
            out.addAll(rows(f, header));
        }
        return out;
    }
}
