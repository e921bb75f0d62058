package io.portwatch.config;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.support.Errors;
import io.portwatch.support.FileTrust;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads the two definitions files of a directory, {@value #LISTENING_FILE} and {@value #CONNECTIONS_FILE},
 * in the NetstatWatcher format plus portwatch's optional columns (docs/design.md §2).
 *
 * <p>Problems are reported as {@code file:line: column: message (found "value")}, with the bare file
 * name and the physical 1-based line (comment and blank lines counted); line 0 means the file (or
 * directory) as a whole. A missing file gives no rows of its kind and a note, not a problem. Only a
 * result that is {@link DefinitionsLoadResult#ok() ok} may replace the definitions in use; whether a
 * missing or emptied file may replace rows already in force is the caller's decision
 * ({@link DefinitionsFileResult#content()}).
 *
 * <p>The files are untrusted input, and what reading them costs is bounded whatever they hold:
 * <ul>
 *   <li>only files only trusted users could have put there are read (docs/design.md §5, rule 3, judged by
 *       {@link FileTrust}, setting {@code files.strictModes}): the folder, the file and, for a symbolic link,
 *       the folder of its target; a file on a kernel file system ({@code /proc}, {@code /sys}, {@code /dev}) is
 *       refused whatever the setting. All of it before the file is opened, so no read blocks on
 *       {@code /proc/kmsg} and no secret of {@code /proc/self/cmdline} is read;</li>
 *   <li>only a regular file is read (a symbolic link to one is fine); a FIFO, device, socket or
 *       directory is a problem that names it, and is never opened (opening a FIFO blocks); a symbolic link
 *       to a missing file is a missing file;</li>
 *   <li>problems never quote a file whose first line is not the header of a definitions file (a link to
 *       {@code /etc/shadow}), and quote at most a short, printable excerpt of one that is ({@link Excerpt});
 *       every field is made printable where it is read ({@link DefinitionsCsv});</li>
 *   <li>at most {@value #MAX_FILE_BYTES} bytes (16 MiB) are read, decided by reading, not by the size the
 *       file system reports (a symbolic link to {@code /dev/zero} has size 0);</li>
 *   <li>a value longer than NetstatWatcher's own limits (procName 512 characters, comment 1024, every
 *       other field 256, counted as the value is held, made printable) is a problem naming file, line
 *       and column; messages quote at most {@value Excerpt#MAX} characters of a value;</li>
 *   <li>at most {@value #MAX_PROBLEMS} problems are kept per file, with the count of all;</li>
 *   <li>at most {@value #MAX_ROWS} rows per file: one more is a problem, and the file is not used;</li>
 *   <li>the text is read record by record, so only the rows that parsed are held; a record of more
 *       than 64 fields is a problem (its fields are not held); of a field longer than 1024 characters,
 *       quoted or not, closed or not, at most 1025 are held, so loading a 16 MiB file allocates about
 *       its size once when it is ASCII (the bytes are read in place) and twice otherwise (the bytes and the
 *       decoded text), whatever its quoting.</li>
 * </ul>
 * Reading never waits for anything but the file itself; a caller that must not wait even for that
 * (a FIFO put in place of the file between the type check and the open blocks in open(2)) reads on
 * its own thread with a deadline, as the monitor does.
 */
public final class DefinitionsLoader {

    /** Expected listening ports. */
    public static final String LISTENING_FILE = "monitoredListeningPorts.csv";
    /** Expected TCP connections. */
    public static final String CONNECTIONS_FILE = "monitoredTcpConnects.csv";

    /** Larger files are not read: definitions are a few hundred rows, and memory stays bounded. */
    public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;
    /** Problems kept per file; the rest are counted. */
    public static final int MAX_PROBLEMS = 100;
    /**
     * Rows per file: 16 MiB of short valid rows would be over a million rows, hundreds of MiB of the host's
     * heap and as many MBeans; NetstatWatcher's files hold tens.
     */
    public static final int MAX_ROWS = 20_000;

    private static final String IP_PROTOCOL = DefinitionsFile.Columns.IP_PROTOCOL;
    private static final String LOCAL_IP = DefinitionsFile.Columns.LOCAL_IP;
    private static final String LOCAL_PORT = DefinitionsFile.Columns.LOCAL_PORT;
    private static final String REMOTE_IP = DefinitionsFile.Columns.REMOTE_IP;
    private static final String REMOTE_NAME = DefinitionsFile.Columns.REMOTE_NAME;
    private static final String REMOTE_PORT = DefinitionsFile.Columns.REMOTE_PORT;
    private static final String PROC_NAME = DefinitionsFile.Columns.PROC_NAME;
    private static final String COMMENT = DefinitionsFile.Columns.COMMENT;
    private static final String ID = DefinitionsFile.Columns.ID;
    private static final String HOST = DefinitionsFile.Columns.HOST;
    private static final String SEVERITY = DefinitionsFile.Columns.SEVERITY;
    private static final String MIN_COUNT = DefinitionsFile.Columns.MIN_COUNT;
    private static final String MAX_COUNT = DefinitionsFile.Columns.MAX_COUNT;
    private static final String NETNS = DefinitionsFile.Columns.NETNS;
    private static final String STALL_SECONDS = DefinitionsFile.Columns.STALL_SECONDS;
    private static final String MAX_RTT_MS = DefinitionsFile.Columns.MAX_RTT_MS;
    private static final String MAX_RETRANS_PERCENT = DefinitionsFile.Columns.MAX_RETRANS_PERCENT;

    private static final Pattern ID_TEXT = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern NOT_ID_CHAR = Pattern.compile("[^a-z0-9._-]");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,252}");
    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    private static final Pattern PERCENT = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,6})?");
    /** How many file names a "several files" problem lists. */
    private static final int NAMES_SHOWN = 10;

    private DefinitionsLoader() {
    }

    /**
     * Loads both files from a directory. A missing file gives a note; a missing or unreadable
     * directory, an unreadable file or any bad content gives problems.
     */
    public static DefinitionsLoadResult load(Path directory) {
        return load(directory, FileTrust.strict());
    }

    /** {@link #load(Path)} judging the folder and files by {@code trust} ({@code files.strictModes}). */
    public static DefinitionsLoadResult load(Path directory, FileTrust trust) {
        Objects.requireNonNull(directory, "directory");
        Optional<DefinitionProblem> notADirectory = checkDirectory(directory, trust);
        if (notADirectory.isPresent()) {
            return new DefinitionsLoadResult(Definitions.EMPTY, List.of(notADirectory.get()), List.of());
        }
        return DefinitionsLoadResult.of(read(directory, DefinitionsFile.LISTENING, trust),
                read(directory, DefinitionsFile.CONNECTIONS, trust));
    }

    /**
     * The problem with the definitions directory, {@code /etc/portwatch:0: definitions directory not found}
     * or {@code ...: not a directory}; empty when it is a directory.
     */
    public static Optional<DefinitionProblem> checkDirectory(Path directory) {
        return checkDirectory(directory, FileTrust.strict());
    }

    /**
     * {@link #checkDirectory(Path)}, and a directory that {@code trust} refuses (rule 3:
     * {@code /etc/portwatch:0: definitions folder /etc/portwatch is writable by every user: chmod o-w ...}).
     * Opens nothing; judged anew at each call, so the problem clears as soon as its cause is gone.
     */
    public static Optional<DefinitionProblem> checkDirectory(Path directory, FileTrust trust) {
        Source source = new Source(directory.toString(), 0);
        if (!Files.isDirectory(directory)) {
            String message = Files.exists(directory) ? "not a directory" : "definitions directory not found";
            return Optional.of(new DefinitionProblem(source, "", message));
        }
        return trust.problem(directory, "definitions folder").map(m -> new DefinitionProblem(source, "", m));
    }

    /**
     * Loads one file from a directory: type check, bounded read, strict UTF-8, parse. Never throws for
     * anything the file system or the file holds.
     */
    public static DefinitionsFileResult loadFile(Path directory, DefinitionsFile file) {
        return loadFile(directory, file, FileTrust.strict());
    }

    /**
     * {@link #loadFile(Path, DefinitionsFile)} judging the folder and the file by {@code trust} before the file is
     * opened: an untrusted folder or file is a problem (the file is not read).
     */
    public static DefinitionsFileResult loadFile(Path directory, DefinitionsFile file, FileTrust trust) {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(trust, "trust");
        Optional<DefinitionProblem> folder = checkDirectory(directory, trust);
        if (folder.isPresent()) {
            return new DefinitionsFileResult(file, file.fileName(), DefinitionsFileResult.Content.REFUSED,
                    Definitions.EMPTY, List.of(folder.get()), 1, List.of());
        }
        return read(directory, file, trust);
    }

    /** Reads one file of a folder already judged. */
    private static DefinitionsFileResult read(Path directory, DefinitionsFile file, FileTrust trust) {
        List<String> notes = new ArrayList<>();
        Problems problems = new Problems();
        List<Path> candidates;
        try {
            candidates = locate(directory, file);
        } catch (IOException | RuntimeException e) {
            problems.add(new DefinitionProblem(new Source(directory.toString(), 0), "",
                    "cannot read directory: " + describe(e)));
            return notRead(file, file.fileName(), problems, notes);
        }
        if (candidates.isEmpty()) {
            notes.add(file.fileName() + " not found in " + directory + ": no " + file.rowWord() + " rows");
            return new DefinitionsFileResult(file, file.fileName(), DefinitionsFileResult.Content.MISSING,
                    Definitions.EMPTY, List.of(), 0, notes);
        }
        if (candidates.size() > 1) {
            List<String> names = candidates.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
            String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())))
                    + (names.size() > NAMES_SHOWN ? ", and " + (names.size() - NAMES_SHOWN) + " more" : "");
            problems.add(new DefinitionProblem(new Source(directory.toString(), 0), "",
                    "several files differ from " + file.fileName() + " only in case (found \"" + shown + "\")"));
            return notRead(file, file.fileName(), problems, notes);
        }
        Path path = candidates.get(0);
        String fileName = path.getFileName().toString();
        if (!fileName.equals(file.fileName())) {
            notes.add("using " + fileName + " for " + file.fileName());
        }
        Optional<Path> dangling = DefinitionsBytes.danglingTarget(path);
        if (dangling.isPresent()) {
            notes.add(fileName + " in " + directory + " is a symbolic link to a missing file (" + dangling.get()
                    + "): no " + file.rowWord() + " rows");
            return new DefinitionsFileResult(file, fileName, DefinitionsFileResult.Content.MISSING,
                    Definitions.EMPTY, List.of(), 0, notes);
        }
        DefinitionsBytes.Outcome read = DefinitionsBytes.read(path, fileName, problems, trust);
        if (read.refused()) {
            return new DefinitionsFileResult(file, fileName, DefinitionsFileResult.Content.REFUSED, Definitions.EMPTY,
                    problems.kept(), problems.count(), notes);
        }
        byte[] bytes = read.bytes();
        read = null; // held by nothing else once the text is made from them
        if (bytes == null) {
            return notRead(file, fileName, problems, notes);
        }
        if (bytes.length == 0) {
            notes.add(fileName + " is empty (0 bytes): no " + file.rowWord() + " rows");
            return new DefinitionsFileResult(file, fileName, DefinitionsFileResult.Content.EMPTY, Definitions.EMPTY,
                    List.of(), 0, notes);
        }
        CharSequence text = DefinitionsBytes.text(fileName, bytes, problems);
        bytes = null; // the text is all that is needed from here on (for an ASCII file, the bytes themselves)
        if (text == null) {
            return notRead(file, fileName, problems, notes);
        }
        return parse(file, fileName, text, notes);
    }

    /**
     * The file of that name (a symbolic link counts, whatever it points to); else those whose names
     * differ only in case (files copied from Windows keep whatever case they had); else none. Opens
     * no file.
     */
    public static List<Path> locate(Path directory, DefinitionsFile file) throws IOException {
        Path exact = directory.resolve(file.fileName());
        if (Files.exists(exact, LinkOption.NOFOLLOW_LINKS)) {
            return List.of(exact);
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> p.getFileName().toString().equalsIgnoreCase(file.fileName())).sorted()
                    .collect(Collectors.toList());
        }
    }

    /** Parses listening-port definitions; {@code fileName} is used in problems and sources. */
    public static DefinitionsLoadResult parseListening(String fileName, Reader reader) {
        return parse(DefinitionsFile.LISTENING, fileName, reader);
    }

    /** Parses connection definitions; {@code fileName} is used in problems and sources. */
    public static DefinitionsLoadResult parseConnections(String fileName, Reader reader) {
        return parse(DefinitionsFile.CONNECTIONS, fileName, reader);
    }

    private static DefinitionsLoadResult parse(DefinitionsFile file, String fileName, Reader reader) {
        Problems problems = new Problems();
        DefinitionsFileResult result;
        try {
            char[] buffer = new char[8192];
            StringBuilder text = new StringBuilder();
            for (int n = reader.read(buffer); n >= 0; n = reader.read(buffer)) {
                text.append(buffer, 0, n);
                if (text.length() > MAX_FILE_BYTES) {
                    problems.add(tooLarge(fileName));
                    break;
                }
            }
            result = problems.count() > 0 ? notRead(file, fileName, problems, List.of())
                    : parse(file, fileName, text.toString(), new ArrayList<>());
        } catch (IOException e) {
            problems.add(new DefinitionProblem(new Source(fileName, 0), "", "cannot read file: " + describe(e)));
            result = notRead(file, fileName, problems, List.of());
        }
        return DefinitionsLoadResult.of(result);
    }

    private static DefinitionsFileResult notRead(DefinitionsFile file, String fileName, Problems problems,
                                                 List<String> notes) {
        return new DefinitionsFileResult(file, fileName, DefinitionsFileResult.Content.NOT_READ, Definitions.EMPTY,
                problems.kept(), problems.count(), notes);
    }

    static DefinitionProblem tooLarge(String fileName) {
        return new DefinitionProblem(new Source(fileName, 0), "",
                "file larger than " + MAX_FILE_BYTES / (1024 * 1024) + " MiB, not read");
    }

    private static String describe(Exception e) {
        return Errors.text(e);
    }

    private static DefinitionsFileResult parse(DefinitionsFile file, String fileName, CharSequence text,
                                              List<String> notes) {
        Problems problems = new Problems();
        Problems warnings = new Problems();
        DefinitionsCsv csv = new DefinitionsCsv(text);
        DefinitionsCsv.Item first = csv.next();
        List<ListeningRow> listening = List.of();
        List<ConnectionRow> connections = List.of();
        DefinitionsFileResult.Content content = DefinitionsFileResult.Content.TABLE;
        if (first == null) {
            content = DefinitionsFileResult.Content.NO_HEADER;
            notes.add(fileName + " has no header line: no " + file.rowWord() + " rows");
        } else if (first instanceof DefinitionsCsv.SyntaxError) {
            // the header line itself is malformed: the rows cannot be read without it
            // and nothing of it is quoted: whether this is a definitions file at all is not known
            DefinitionsCsv.SyntaxError error = (DefinitionsCsv.SyntaxError) first;
            problems.add(new DefinitionProblem(new Source(fileName, error.line()), "", error.message()));
        } else {
            DefinitionsCsv.Record header = (DefinitionsCsv.Record) first;
            Map<String, Integer> columns = header(file, fileName, header, problems);
            if (columns != null) {
                if (file == DefinitionsFile.LISTENING) {
                    listening = rows(fileName, header, columns, csv, DefinitionsLoader::listeningRow,
                            ListeningRow::id, ListeningRow::source, problems, warnings);
                } else {
                    connections = rows(fileName, header, columns, csv, DefinitionsLoader::connectionRow,
                            ConnectionRow::id, ConnectionRow::source, problems, warnings);
                }
                if (problems.count() == 0 && listening.isEmpty() && connections.isEmpty()) {
                    notes.add(fileName + " holds only its header line: no " + file.rowWord() + " rows");
                }
            }
        }
        return new DefinitionsFileResult(file, fileName, content, new Definitions(listening, connections),
                problems.kept(), problems.count(), notes, warnings.kept(), warnings.count());
    }

    /**
     * The problem with a first line that is not the header of a definitions file: it quotes nothing of the line,
     * as the file may be anything a link points to.
     */
    private static String notAHeader(DefinitionsFile file) {
        return "the first line is not the header of a definitions file, expecting one such as "
                + String.join(",", file.original) + " (nothing of the line is quoted)";
    }

    /** Column name to position; null when the first record is not a header at all. */
    private static Map<String, Integer> header(DefinitionsFile file, String fileName, DefinitionsCsv.Record header,
                                               Problems problems) {
        Source source = new Source(fileName, header.line());
        List<String> names = header.fields();
        if (names.stream().allMatch(name -> file.canonical(name) == null)) {
            // not a definitions file (a link to /etc/shadow, a host's command line): nothing of it is quoted
            problems.add(new DefinitionProblem(source, "", notAHeader(file)));
            return null;
        }
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            String found = Excerpt.quoted(name, header.length(i));
            String canonical = file.canonical(name);
            if (name.isEmpty()) {
                problems.add(new DefinitionProblem(source, "", "expecting a column name in position " + (i + 1)
                        + " of the header (found \"\")"));
            } else if (canonical == null) {
                problems.add(new DefinitionProblem(source, name.length() <= Excerpt.MAX ? name : "",
                        "unknown column, expecting one of " + String.join(", ", file.columns) + " (found " + found + ")"));
            } else if (columns.containsKey(canonical)) {
                problems.add(new DefinitionProblem(source, canonical, "column given twice, in positions "
                        + (columns.get(canonical) + 1) + " and " + (i + 1) + " (found " + found + ")"));
            } else {
                columns.put(canonical, i);
            }
        }
        for (String required : file.required) {
            if (!columns.containsKey(required)) {
                problems.add(new DefinitionProblem(source, required, "required column missing (found "
                        + DefinitionsCsv.quoted(String.join(",", names)) + ")"));
            }
        }
        return columns;
    }

    /**
     * The rows of the records after the header, read one by one, as PowerShell's {@code Import-Csv} reads them
     * (NetstatWatcher read its files with it): a record with fewer fields than the header gets empty values for
     * the missing trailing columns; a record with more loads with the extra values ignored and a warning.
     * Problems go to {@code problems}, warnings to {@code warnings}.
     */
    private static <R> List<R> rows(String fileName, DefinitionsCsv.Record header, Map<String, Integer> columns,
                                    DefinitionsCsv csv, Function<Fields, R> build, Function<R, String> idOf,
                                    Function<R, Source> sourceOf, Problems problems, Problems warnings) {
        List<R> rows = new ArrayList<>();
        Map<String, R> byId = new HashMap<>();
        SharedValues shared = new SharedValues();
        for (DefinitionsCsv.Item item = csv.next(); item != null; item = csv.next()) {
            if (item instanceof DefinitionsCsv.SyntaxError) {
                DefinitionsCsv.SyntaxError error = (DefinitionsCsv.SyntaxError) item;
                problems.add(new DefinitionProblem(new Source(fileName, error.line()), "", error.text()));
                continue;
            }
            DefinitionsCsv.Record record = (DefinitionsCsv.Record) item;
            Source source = new Source(fileName, record.line());
            Fields fields = new Fields(source, columns, asHeader(record, header, source, warnings), record.lengths(),
                    problems, shared);
            R row = build.apply(fields);
            if (row == null) {
                continue;
            }
            String id = idOf.apply(row);
            R first = byId.putIfAbsent(id.toLowerCase(Locale.ROOT), row);
            if (first != null) {
                problems.add(new DefinitionProblem(source, ID, "duplicate id " + Excerpt.plain(id) + ", first defined at line "
                        + sourceOf.apply(first).line()));
                continue;
            }
            if (rows.size() == MAX_ROWS) {
                problems.add(new DefinitionProblem(source, "", "more than " + MAX_ROWS + " rows: a definitions file"
                        + " holds at most " + MAX_ROWS + " (the rest is not read)"));
                break;
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * The record's fields, as many as the header has: missing trailing ones empty, extra ones dropped with the
     * warning {@code file:line: 6 fields, header has 5: extra values ignored ("x"); quote a field that holds a comma}.
     */
    private static List<String> asHeader(DefinitionsCsv.Record record, DefinitionsCsv.Record header, Source source,
                                         Problems warnings) {
        List<String> values = record.fields();
        int wanted = header.fields().size();
        if (values.size() == wanted) {
            return values;
        }
        if (values.size() > wanted) {
            warnings.add(new DefinitionProblem(source, "", values.size() + " fields, header has " + wanted
                    + ": extra values ignored (" + DefinitionsCsv.quoted(String.join(",", values.subList(wanted,
                    values.size()))) + "); quote a field that holds a comma"));
            return values.subList(0, wanted);
        }
        List<String> padded = new ArrayList<>(wanted);
        padded.addAll(values);
        while (padded.size() < wanted) {
            padded.add("");
        }
        return padded;
    }

    private static ListeningRow listeningRow(Fields f) {
        Protocol protocol = f.parse(IP_PROTOCOL, v -> v.isEmpty() ? Protocol.TCP : Protocol.parse(v));
        Optional<InetAddress> localIP = f.parse(LOCAL_IP, v -> f.shared.address(v, DefinitionsLoader::address));
        PortRange localPort = f.parse(LOCAL_PORT, PortRange::parse);
        NamePattern procName = f.shared.pattern(f.raw(PROC_NAME));
        NamePattern host = f.shared.pattern(f.raw(HOST));
        Severity severity = f.parse(SEVERITY, Severity::parse);
        NetnsPattern netns = NetnsPattern.of(f.raw(NETNS));
        String id = f.has(ID) ? f.parse(ID, DefinitionsLoader::explicitId) : null;
        if (f.failed) {
            return null;
        }
        if (id == null) {
            id = derivedId(protocol.label() + "-" + localIP.map(Addresses::format).orElse("any") + "-"
                    + text(localPort) + "-" + text(procName) + netnsSuffix(netns));
        }
        return new ListeningRow(id, protocol, localIP, localPort, procName, f.raw(COMMENT), host, severity,
                f.source, netns);
    }

    private static ConnectionRow connectionRow(Fields f) {
        Optional<InetAddress> remoteIP = f.parse(REMOTE_IP, v -> f.shared.address(v, DefinitionsLoader::address));
        String remoteName = f.parse(REMOTE_NAME, DefinitionsLoader::hostName);
        PortRange remotePort = f.parse(REMOTE_PORT, PortRange::parse);
        PortRange localPort = f.parse(LOCAL_PORT, PortRange::parse);
        NamePattern procName = f.shared.pattern(f.raw(PROC_NAME));
        NamePattern host = f.shared.pattern(f.raw(HOST));
        Severity severity = f.parse(SEVERITY, Severity::parse);
        Integer minCount = f.parse(MIN_COUNT, v -> v.isEmpty() ? 1 : count(v));
        OptionalInt maxCount = f.parse(MAX_COUNT, v -> isAny(v) ? OptionalInt.empty() : OptionalInt.of(count(v)));
        if (minCount != null && maxCount != null && maxCount.isPresent() && maxCount.getAsInt() < minCount) {
            f.problem(MAX_COUNT, "expecting an integer >= minCount " + minCount + " (found "
                    + Excerpt.quoted(f.raw(MAX_COUNT)) + ")");
        }
        NetnsPattern netns = NetnsPattern.of(f.raw(NETNS));
        OptionalInt stallSeconds = f.parse(STALL_SECONDS, v -> isAny(v) ? OptionalInt.empty() : OptionalInt.of(count(v)));
        OptionalInt maxRttMs = f.parse(MAX_RTT_MS, v -> isAny(v) ? OptionalInt.empty() : OptionalInt.of(count(v)));
        OptionalDouble maxRetrans = f.parse(MAX_RETRANS_PERCENT, v -> isAny(v) ? OptionalDouble.empty()
                : OptionalDouble.of(percent(v)));
        String id = f.has(ID) ? f.parse(ID, DefinitionsLoader::explicitId) : null;
        if (f.failed) {
            return null;
        }
        if (id == null) {
            String remote = !remoteName.isEmpty() ? remoteName : remoteIP.map(Addresses::format).orElse("any");
            id = derivedId(remote + "-" + text(remotePort) + (localPort.isAny() ? "" : "-" + localPort) + "-"
                    + text(procName) + netnsSuffix(netns));
        }
        return new ConnectionRow(id, remoteIP, remoteName, remotePort, localPort, procName, f.raw(COMMENT), host,
                minCount, maxCount, severity, f.source, netns, new QualityLimits(stallSeconds, maxRttMs, maxRetrans));
    }

    /** What a derived id gets from the {@code netns} column: nothing when empty, so old files keep their ids. */
    private static String netnsSuffix(NetnsPattern netns) {
        return netns.isOwn() ? "" : "-netns-" + (netns == NetnsPattern.ANY ? "any" : netns.text());
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

    private static double percent(String value) {
        double p = PERCENT.matcher(value).matches() ? Double.parseDouble(value) : -1;
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("expecting a percentage from 0 to 100 (found \"" + value + "\")");
        }
        return p;
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
}
