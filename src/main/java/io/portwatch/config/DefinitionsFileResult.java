package io.portwatch.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What reading one definitions file gave ({@link DefinitionsLoader#loadFile}).
 *
 * <p>Only a result that is {@link #ok() ok} may replace the rows of its kind in use. What it found
 * ({@link #content()}) lets a caller tell a deliberate "no rows" (a file holding only its header line)
 * from a file that went missing or was emptied, which must not silently drop rows already in force.
 *
 * @param file         which of the two files
 * @param fileName     the name of the file read (a name differing only in case is used), else the expected name
 * @param content      what the file held; {@link Content#REFUSED} when it was not opened, {@link Content#NOT_READ}
 *                     when it could not be read or decoded
 * @param definitions  the rows of this file that parsed without a problem (the other kind is empty)
 * @param problems     the first {@value DefinitionsLoader#MAX_PROBLEMS} problems, in line order
 * @param problemCount every problem found, kept or not
 * @param notes        informational lines, e.g. {@code monitoredTcpConnects.csv not found in /etc/portwatch: no connection rows}
 * @param warnings     the first {@value DefinitionsLoader#MAX_PROBLEMS} warnings: rows that loaded, but not as
 *                     written (extra values ignored); they never stop the file from loading
 * @param warningCount every warning found, kept or not
 */
public record DefinitionsFileResult(DefinitionsFile file, String fileName, Content content, Definitions definitions,
                                    List<DefinitionProblem> problems, long problemCount, List<String> notes,
                                    List<DefinitionProblem> warnings, long warningCount) {

    /** What a definitions file held. */
    public enum Content {
        /** No such file (nor one whose name differs only in case). */
        MISSING,
        /** 0 bytes. */
        EMPTY,
        /** Only blank and comment lines: no header line. */
        NO_HEADER,
        /** A header line, and rows or none. */
        TABLE,
        /**
         * Not opened: not trusted (docs/design.md §5 rule 3: its folder, itself or its link's target folder writable
         * by others, another owner, a kernel file system), not a regular file, or it could not be opened (access
         * denied). Its cause may go away without an edit of the file.
         */
        REFUSED,
        /** Opened but not read (too large, a read error) or not decoded (not UTF-8). */
        NOT_READ
    }

    public DefinitionsFileResult {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(definitions, "definitions");
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
        warnings = List.copyOf(warnings);
        if (problemCount < problems.size()) {
            throw new IllegalArgumentException("problemCount " + problemCount + " < " + problems.size() + " problems");
        }
        if (warningCount < warnings.size()) {
            throw new IllegalArgumentException("warningCount " + warningCount + " < " + warnings.size() + " warnings");
        }
    }

    /** A result without warnings. */
    public DefinitionsFileResult(DefinitionsFile file, String fileName, Content content, Definitions definitions,
                                 List<DefinitionProblem> problems, long problemCount, List<String> notes) {
        this(file, fileName, content, definitions, problems, problemCount, notes, List.of(), 0);
    }

    /** True only when there are no problems: then, and only then, {@link #definitions()} may be swapped in. */
    public boolean ok() {
        return problemCount == 0;
    }

    /** How many rows it gave (of its own kind). */
    public int rows() {
        return definitions.size();
    }

    /**
     * The problems kept, one line each, and when some were not kept one more line saying how many:
     * {@code monitoredListeningPorts.csv:0: and 499900 more problems (only the first 100 are kept)}.
     */
    public List<String> problemLines() {
        return lines(fileName, problems, problemCount, "problems");
    }

    /** The warnings kept, one line each, and when some were not kept one more line saying how many. */
    public List<String> warningLines() {
        return lines(fileName, warnings, warningCount, "warnings");
    }

    private static List<String> lines(String fileName, List<DefinitionProblem> kept, long count, String what) {
        List<String> lines = new ArrayList<>(kept.size() + 1);
        kept.forEach(p -> lines.add(p.toString()));
        if (count > kept.size()) {
            lines.add(new Source(fileName, 0) + ": and " + (count - kept.size())
                    + " more " + what + " (only the first " + kept.size() + " are kept)");
        }
        return lines;
    }
}
