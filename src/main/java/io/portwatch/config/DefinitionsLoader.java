package io.portwatch.config;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads the two definitions files of a directory, {@value #LISTENING_FILE} and {@value #CONNECTIONS_FILE},
 * in the NetstatWatcher format plus portwatch's optional columns (DESIGN.md §2).
 *
 * <p>Every problem of a file is reported, each as {@code file:line: column: message (found "value")},
 * with the bare file name and the physical 1-based line (comment and blank lines counted); line 0
 * means the file (or directory) as a whole. A missing file gives no rows of its kind and a note, not
 * a problem. Only a result that is {@link DefinitionsLoadResult#ok() ok} may replace the definitions in use.
 */
public final class DefinitionsLoader {

    /** Expected listening ports. */
    public static final String LISTENING_FILE = "monitoredListeningPorts.csv";
    /** Expected TCP connections. */
    public static final String CONNECTIONS_FILE = "monitoredTcpConnects.csv";

    /** Larger files are not read: definitions are a few hundred rows, and memory stays bounded. */
    static final long MAX_FILE_BYTES = 16L * 1024 * 1024;

    private static final String IP_PROTOCOL = "ipProtocol";
    private static final String LOCAL_IP = "localIP";
    private static final String LOCAL_PORT = "localPort";
    private static final String REMOTE_IP = "remoteIP";
    private static final String REMOTE_NAME = "remoteName";
    private static final String REMOTE_PORT = "remotePort";
    private static final String PROC_NAME = "procName";
    private static final String COMMENT = "comment";
    private static final String ID = "id";
    private static final String HOST = "host";
    private static final String SEVERITY = "severity";
    private static final String MIN_COUNT = "minCount";
    private static final String MAX_COUNT = "maxCount";

    private static final Pattern ID_TEXT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern NOT_ID_CHAR = Pattern.compile("[^a-z0-9._-]");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");

    /** The two files: name, columns (the NetstatWatcher ones first) and required columns. */
    private enum Kind {
        LISTENING(LISTENING_FILE, "listening",
                List.of(IP_PROTOCOL, LOCAL_IP, LOCAL_PORT, PROC_NAME, COMMENT),
                List.of(ID, HOST, SEVERITY),
                List.of(LOCAL_PORT)),
        CONNECTIONS(CONNECTIONS_FILE, "connection",
                List.of(REMOTE_IP, REMOTE_NAME, REMOTE_PORT, PROC_NAME, COMMENT),
                List.of(ID, HOST, SEVERITY, LOCAL_PORT, MIN_COUNT, MAX_COUNT),
                List.of(REMOTE_PORT));

        final String fileName;
        final String rowWord;
        final List<String> original;
        final List<String> columns;
        final List<String> required;

        Kind(String fileName, String rowWord, List<String> original, List<String> extra, List<String> required) {
            this.fileName = fileName;
            this.rowWord = rowWord;
            this.original = original;
            this.columns = Stream.concat(original.stream(), extra.stream()).collect(Collectors.toUnmodifiableList());
            this.required = required;
        }

        String canonical(String headerName) {
            return columns.stream().filter(c -> c.equalsIgnoreCase(headerName)).findFirst().orElse(null);
        }
    }

    private DefinitionsLoader() {
    }

    /**
     * Loads both files from a directory. A missing file gives a note; a missing or unreadable
     * directory, an unreadable file or any bad content gives problems.
     */
    public static DefinitionsLoadResult load(Path directory) {
        Objects.requireNonNull(directory, "directory");
        if (!Files.isDirectory(directory)) {
            String message = Files.exists(directory) ? "not a directory" : "definitions directory not found";
            return new DefinitionsLoadResult(Definitions.EMPTY,
                    List.of(new DefinitionProblem(new Source(directory.toString(), 0), "", message)), List.of());
        }
        DefinitionsLoadResult listening = loadFile(directory, Kind.LISTENING);
        DefinitionsLoadResult connections = loadFile(directory, Kind.CONNECTIONS);
        List<DefinitionProblem> problems = new ArrayList<>(listening.problems());
        problems.addAll(connections.problems());
        List<String> notes = new ArrayList<>(listening.notes());
        notes.addAll(connections.notes());
        return new DefinitionsLoadResult(
                new Definitions(listening.definitions().listening(), connections.definitions().connections()),
                problems, notes);
    }

    /** Parses listening-port definitions; {@code fileName} is used in problems and sources. */
    public static DefinitionsLoadResult parseListening(String fileName, Reader reader) {
        return parse(Kind.LISTENING, fileName, reader);
    }

    /** Parses connection definitions; {@code fileName} is used in problems and sources. */
    public static DefinitionsLoadResult parseConnections(String fileName, Reader reader) {
        return parse(Kind.CONNECTIONS, fileName, reader);
    }

    private static DefinitionsLoadResult parse(Kind kind, String fileName, Reader reader) {
        StringWriter text = new StringWriter();
        try {
            reader.transferTo(text);
        } catch (IOException e) {
            return failed(new DefinitionProblem(new Source(fileName, 0), "", "cannot read file: " + describe(e)));
        }
        return parse(kind, fileName, text.toString());
    }

    private static DefinitionsLoadResult loadFile(Path directory, Kind kind) {
        List<String> notes = new ArrayList<>();
        List<Path> candidates;
        try {
            candidates = candidates(directory, kind.fileName);
        } catch (IOException e) {
            return failed(new DefinitionProblem(new Source(directory.toString(), 0), "",
                    "cannot read directory: " + describe(e)));
        }
        if (candidates.isEmpty()) {
            notes.add(kind.fileName + " not found in " + directory + ": no " + kind.rowWord + " rows");
            return new DefinitionsLoadResult(Definitions.EMPTY, List.of(), notes);
        }
        if (candidates.size() > 1) {
            return failed(new DefinitionProblem(new Source(directory.toString(), 0), "",
                    "several files differ from " + kind.fileName + " only in case (found \""
                            + candidates.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "))
                            + "\")"));
        }
        Path file = candidates.get(0);
        String fileName = file.getFileName().toString();
        if (!fileName.equals(kind.fileName)) {
            notes.add("using " + fileName + " for " + kind.fileName);
        }
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return failed(new DefinitionProblem(new Source(fileName, 0), "",
                        "file larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB, not read"));
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return failed(new DefinitionProblem(new Source(fileName, 0), "", "cannot read file: " + describe(e)));
        }
        List<DefinitionProblem> problems = new ArrayList<>();
        String text = decodeUtf8(fileName, bytes, problems);
        if (text == null) {
            return new DefinitionsLoadResult(Definitions.EMPTY, problems, notes);
        }
        DefinitionsLoadResult parsed = parse(kind, fileName, text);
        notes.addAll(parsed.notes());
        return new DefinitionsLoadResult(parsed.definitions(), parsed.problems(), notes);
    }

    /**
     * The file of that name; else those whose names differ only in case (files copied from Windows keep
     * whatever case they had); else none.
     */
    private static List<Path> candidates(Path directory, String name) throws IOException {
        Path exact = directory.resolve(name);
        if (Files.exists(exact)) {
            return List.of(exact);
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> p.getFileName().toString().equalsIgnoreCase(name)).sorted()
                    .collect(Collectors.toList());
        }
    }

    private static DefinitionsLoadResult failed(DefinitionProblem problem) {
        return new DefinitionsLoadResult(Definitions.EMPTY, List.of(problem), List.of());
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Strict UTF-8 (a BOM is left for the CSV reader to skip); null after adding a problem naming the line. */
    static String decodeUtf8(String fileName, byte[] bytes, List<DefinitionProblem> problems) {
        boolean utf16le = bytes.length >= 2 && bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE;
        boolean utf16be = bytes.length >= 2 && bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF;
        if (utf16le || utf16be) {
            problems.add(new DefinitionProblem(new Source(fileName, 1), "",
                    "expecting UTF-8 text, save the file as UTF-8 (found a UTF-16 byte order mark)"));
            return null;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int at = in.position();
            problems.add(new DefinitionProblem(new Source(fileName, lineAt(bytes, at)), "",
                    String.format(Locale.ROOT, "expecting UTF-8 text, save the file as UTF-8 (found byte 0x%02X)",
                            bytes[at] & 0xFF)));
            return null;
        }
        return out.flip().toString();
    }

    /** The 1-based line of a byte offset, counting CRLF, LF and CR as line ends. */
    private static long lineAt(byte[] bytes, int offset) {
        long line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n')) {
                line++;
            }
        }
        return line;
    }

    private static DefinitionsLoadResult parse(Kind kind, String fileName, String text) {
        List<DefinitionProblem> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        DefinitionsCsv.Result csv = DefinitionsCsv.read(text);
        for (DefinitionsCsv.SyntaxError error : csv.errors()) {
            problems.add(new DefinitionProblem(new Source(fileName, error.line()), "", error.message()));
        }
        List<ListeningRow> listening = new ArrayList<>();
        List<ConnectionRow> connections = new ArrayList<>();
        if (csv.records().isEmpty()) {
            if (problems.isEmpty()) {
                notes.add(fileName + " has no header line: no " + kind.rowWord + " rows");
            }
        } else if (!csv.errors().isEmpty() && csv.errors().get(0).line() < csv.records().get(0).line()) {
            // the header line itself is malformed: the rows cannot be read without it
        } else {
            DefinitionsCsv.Record header = csv.records().get(0);
            Map<String, Integer> columns = header(kind, fileName, header, problems);
            if (columns != null) {
                List<DefinitionsCsv.Record> rows = csv.records().subList(1, csv.records().size());
                if (kind == Kind.LISTENING) {
                    listening = rows(fileName, header, columns, rows, DefinitionsLoader::listeningRow,
                            ListeningRow::id, ListeningRow::source, problems);
                } else {
                    connections = rows(fileName, header, columns, rows, DefinitionsLoader::connectionRow,
                            ConnectionRow::id, ConnectionRow::source, problems);
                }
            }
        }
        problems.sort(Comparator.comparingLong(p -> p.source().line()));
        return new DefinitionsLoadResult(new Definitions(listening, connections), problems, notes);
    }

    /** Column name to position; null when the first record is not a header at all. */
    private static Map<String, Integer> header(Kind kind, String fileName, DefinitionsCsv.Record header,
                                               List<DefinitionProblem> problems) {
        Source source = new Source(fileName, header.line());
        List<String> names = header.fields();
        Map<String, Integer> columns = new HashMap<>();
        List<DefinitionProblem> found = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String canonical = kind.canonical(name);
            if (name.isEmpty()) {
                found.add(new DefinitionProblem(source, "", "expecting a column name in position " + (i + 1)
                        + " of the header (found \"\")"));
            } else if (canonical == null) {
                found.add(new DefinitionProblem(source, name, "unknown column, expecting one of "
                        + String.join(", ", kind.columns) + " (found \"" + name + "\")"));
            } else if (columns.containsKey(canonical)) {
                found.add(new DefinitionProblem(source, canonical, "column given twice, in positions "
                        + (columns.get(canonical) + 1) + " and " + (i + 1) + " (found \"" + name + "\")"));
            } else {
                columns.put(canonical, i);
            }
        }
        if (columns.isEmpty()) {
            problems.add(new DefinitionProblem(source, "", "expecting a header line such as "
                    + String.join(",", kind.original) + " (found \"" + String.join(",", names) + "\")"));
            return null;
        }
        problems.addAll(found);
        for (String required : kind.required) {
            if (!columns.containsKey(required)) {
                problems.add(new DefinitionProblem(source, required, "required column missing (found \""
                        + String.join(",", names) + "\")"));
            }
        }
        return columns;
    }

    private static <R> List<R> rows(String fileName, DefinitionsCsv.Record header, Map<String, Integer> columns,
                                    List<DefinitionsCsv.Record> records, Function<Fields, R> build,
                                    Function<R, String> idOf, Function<R, Source> sourceOf,
                                    List<DefinitionProblem> problems) {
        List<R> rows = new ArrayList<>();
        Map<String, R> byId = new HashMap<>();
        for (DefinitionsCsv.Record record : records) {
            Source source = new Source(fileName, record.line());
            if (record.fields().size() != header.fields().size()) {
                problems.add(new DefinitionProblem(source, "", "expecting " + header.fields().size()
                        + " fields as in the header (found " + record.fields().size() + ")"));
                continue;
            }
            Fields fields = new Fields(source, columns, record.fields(), problems);
            R row = build.apply(fields);
            if (row == null) {
                continue;
            }
            String id = idOf.apply(row);
            R first = byId.putIfAbsent(id.toLowerCase(Locale.ROOT), row);
            if (first != null) {
                problems.add(new DefinitionProblem(source, ID, "duplicate id " + id + ", first defined at line "
                        + sourceOf.apply(first).line()));
                continue;
            }
            rows.add(row);
        }
        return rows;
    }

    private static ListeningRow listeningRow(Fields f) {
        Protocol protocol = f.parse(IP_PROTOCOL, v -> v.isEmpty() ? Protocol.TCP : Protocol.parse(v));
        Optional<InetAddress> localIP = f.parse(LOCAL_IP, DefinitionsLoader::address);
        PortRange localPort = f.parse(LOCAL_PORT, PortRange::parse);
        NamePattern procName = NamePattern.of(f.raw(PROC_NAME));
        NamePattern host = NamePattern.of(f.raw(HOST));
        Severity severity = f.parse(SEVERITY, Severity::parse);
        String id = f.has(ID) ? f.parse(ID, DefinitionsLoader::explicitId) : null;
        if (f.failed) {
            return null;
        }
        if (id == null) {
            id = derivedId(protocol.label() + "-" + localIP.map(Addresses::format).orElse("any") + "-"
                    + text(localPort) + "-" + text(procName));
        }
        return new ListeningRow(id, protocol, localIP, localPort, procName, f.raw(COMMENT), host, severity,
                f.source);
    }

    private static ConnectionRow connectionRow(Fields f) {
        Optional<InetAddress> remoteIP = f.parse(REMOTE_IP, DefinitionsLoader::address);
        String remoteName = f.parse(REMOTE_NAME, DefinitionsLoader::hostName);
        PortRange remotePort = f.parse(REMOTE_PORT, PortRange::parse);
        PortRange localPort = f.parse(LOCAL_PORT, PortRange::parse);
        NamePattern procName = NamePattern.of(f.raw(PROC_NAME));
        NamePattern host = NamePattern.of(f.raw(HOST));
        Severity severity = f.parse(SEVERITY, Severity::parse);
        Integer minCount = f.parse(MIN_COUNT, v -> v.isEmpty() ? 1 : count(v));
        OptionalInt maxCount = f.parse(MAX_COUNT, v -> isAny(v) ? OptionalInt.empty() : OptionalInt.of(count(v)));
        if (minCount != null && maxCount != null && maxCount.isPresent() && maxCount.getAsInt() < minCount) {
            f.problem(MAX_COUNT, "expecting an integer >= minCount " + minCount + " (found \"" + f.raw(MAX_COUNT)
                    + "\")");
        }
        String id = f.has(ID) ? f.parse(ID, DefinitionsLoader::explicitId) : null;
        if (f.failed) {
            return null;
        }
        if (id == null) {
            String remote = !remoteName.isEmpty() ? remoteName : remoteIP.map(Addresses::format).orElse("any");
            id = derivedId(remote + "-" + text(remotePort) + (localPort.isAny() ? "" : "-" + localPort) + "-"
                    + text(procName));
        }
        return new ConnectionRow(id, remoteIP, remoteName, remotePort, localPort, procName, f.raw(COMMENT), host,
                minCount, maxCount, severity, f.source);
    }

    private static boolean isAny(String value) {
        return value.isEmpty() || value.equals("*");
    }

    private static Optional<InetAddress> address(String value) {
        return isAny(value) ? Optional.empty() : Optional.of(Addresses.parseLiteral(value));
    }

    private static String hostName(String value) {
        if (isAny(value)) {
            return "";
        }
        if (!HOST_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("expecting a host name (found \"" + value + "\")");
        }
        return value;
    }

    private static int count(String value) {
        if (!COUNT.matcher(value).matches()) {
            throw new IllegalArgumentException("expecting an integer >= 0 (found \"" + value + "\")");
        }
        return Integer.parseInt(value);
    }

    private static String explicitId(String value) {
        if (!ID_TEXT.matcher(value).matches()) {
            throw new IllegalArgumentException("expecting a non-empty id of letters, digits, '.', '_' and '-'"
                    + " (found \"" + value + "\")");
        }
        return value;
    }

    private static String text(PortRange ports) {
        return ports.isAny() ? "any" : ports.toString();
    }

    private static String text(NamePattern name) {
        return name.isAny() ? "any" : name.text();
    }

    /** Lower case, every character outside {@code [a-z0-9._-]} replaced by {@code _}. */
    static String derivedId(String raw) {
        return NOT_ID_CHAR.matcher(raw.toLowerCase(Locale.ROOT)).replaceAll("_");
    }

    /** The fields of one data row by column name, collecting the row's problems. */
    private static final class Fields {
        final Source source;
        private final Map<String, Integer> columns;
        private final List<String> values;
        private final List<DefinitionProblem> problems;
        boolean failed;

        Fields(Source source, Map<String, Integer> columns, List<String> values, List<DefinitionProblem> problems) {
            this.source = source;
            this.columns = columns;
            this.values = values;
            this.problems = problems;
        }

        boolean has(String column) {
            return columns.containsKey(column);
        }

        /** The stripped value, "" when the column is absent. */
        String raw(String column) {
            Integer i = columns.get(column);
            return i == null ? "" : values.get(i);
        }

        /** The parsed value, or null after recording the parser's message as a problem of this column. */
        <T> T parse(String column, Function<String, T> parser) {
            try {
                return parser.apply(raw(column));
            } catch (IllegalArgumentException e) {
                problem(column, e.getMessage());
                return null;
            }
        }

        void problem(String column, String message) {
            problems.add(new DefinitionProblem(source, column, message));
            failed = true;
        }
    }
}
