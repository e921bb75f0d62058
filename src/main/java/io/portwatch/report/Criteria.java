package io.portwatch.report;

import io.portwatch.config.NamePattern;
import io.portwatch.config.PortRange;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code report} flags (Port Reporter Parser's "suspicious" criteria): ports (local or remote;
 * ranges allowed), process name globs, user globs, module path globs (needs the process file), remote
 * addresses or CIDR blocks, and a known process name running from an unexpected path. A record is
 * flagged when any criterion matches it; each match gives a reason. Immutable.
 *
 * <p>As a file ({@code --criteria=FILE}): one {@code KIND=VALUE} a line, KIND one of {@code port},
 * {@code process}, {@code user}, {@code module}, {@code remote}, {@code expect-path}; {@code #} starts a
 * comment line; port, process, user and remote values may list several, separated by commas.
 * {@code expect-path=NAME=PATHGLOB} may be repeated for the same name to allow several paths.
 */
public final class Criteria {

    /** The kinds of criterion, as options ({@code --flag-KIND}) and file lines ({@code KIND=}) name them. */
    public static final List<String> KINDS = List.of("port", "process", "user", "module", "remote", "expect-path");

    /** Flags nothing. */
    public static final Criteria NONE = new Builder().build();

    private final List<PortRange> ports;
    private final List<NamePattern> processes;
    private final List<NamePattern> users;
    private final List<PathGlob> modules;
    private final List<Cidr> remotes;
    private final Map<NamePattern, List<PathGlob>> expectedPaths;

    /** One matched criterion: what it is (for counts) and why this record matched (for the reader). */
    record Hit(String criterion, String reason) {
    }

    private Criteria(Builder b) {
        this.ports = List.copyOf(b.ports);
        this.processes = List.copyOf(b.processes);
        this.users = List.copyOf(b.users);
        this.modules = List.copyOf(b.modules);
        this.remotes = List.copyOf(b.remotes);
        Map<NamePattern, List<PathGlob>> paths = new LinkedHashMap<>();
        b.expectedPaths.forEach((k, v) -> paths.put(k, List.copyOf(v)));
        this.expectedPaths = paths;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when nothing is flagged. */
    public boolean isEmpty() {
        return ports.isEmpty() && processes.isEmpty() && users.isEmpty() && modules.isEmpty() && remotes.isEmpty()
                && expectedPaths.isEmpty();
    }

    /** True when module criteria need the process file. */
    public boolean usesModules() {
        return !modules.isEmpty();
    }

    /** Every criterion, as the report lists them: {@code port 22}, {@code remote 10.0.0.0/8}, ... */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        ports.forEach(p -> out.add("port " + p));
        processes.forEach(p -> out.add("process " + p));
        users.forEach(u -> out.add("user " + u));
        modules.forEach(m -> out.add("module " + m));
        remotes.forEach(r -> out.add("remote " + r));
        expectedPaths.forEach((name, globs) -> out.add(expectation(name, globs)));
        return out;
    }

    private static String expectation(NamePattern name, List<PathGlob> globs) {
        StringBuilder b = new StringBuilder(name + " outside ");
        for (int i = 0; i < globs.size(); i++) {
            b.append(i == 0 ? "" : " or ").append(globs.get(i));
        }
        return b.toString();
    }

    /** The first module path that a module criterion matches, null when none does. */
    String matchModule(List<String> paths) {
        for (String path : paths) {
            for (PathGlob g : modules) {
                if (g.matches(path)) {
                    return path;
                }
            }
        }
        return null;
    }

    /** What flags this row; {@code module} is the matched module of its process (null when none). */
    List<Hit> check(ReportRow r, String module) {
        List<Hit> hits = new ArrayList<>(1);
        for (PortRange p : ports) {
            if (p.contains(r.localPort()) || r.remotePort() != 0 && p.contains(r.remotePort())) {
                hits.add(new Hit("port " + p, "port " + p));
            }
        }
        for (NamePattern p : processes) {
            if (!r.process().isEmpty() && p.matches(r.process())) {
                hits.add(new Hit("process " + p, "process " + p));
            }
        }
        for (NamePattern u : users) {
            if (!r.user().isEmpty() && u.matches(r.user())) {
                hits.add(new Hit("user " + u, "user " + u));
            }
        }
        if (module != null) {
            for (PathGlob g : modules) {
                if (g.matches(module)) {
                    hits.add(new Hit("module " + g, "module " + module));
                    break;
                }
            }
        }
        if (!remotes.isEmpty() && r.hasRemote()) {
            byte[] remote = Cidr.bytes(r.remoteAddress());
            for (Cidr c : remotes) {
                if (remote != null && c.contains(remote)) {
                    hits.add(new Hit("remote " + c, "remote " + c));
                }
            }
        }
        if (!r.exePath().isEmpty() && !r.process().isEmpty()) {
            for (Map.Entry<NamePattern, List<PathGlob>> e : expectedPaths.entrySet()) {
                if (e.getKey().matches(r.process()) && e.getValue().stream().noneMatch(g -> g.matches(r.exePath()))) {
                    hits.add(new Hit(expectation(e.getKey(), e.getValue()),
                            r.process() + " runs from " + r.exePath() + ", expected " + joinGlobs(e.getValue())));
                }
            }
        }
        return hits;
    }

    private static String joinGlobs(List<PathGlob> globs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < globs.size(); i++) {
            b.append(i == 0 ? "" : " or ").append(globs.get(i));
        }
        return b.toString();
    }

    /** True when a port criterion covers this port (to highlight a row of the port table). */
    boolean flagsPort(int port) {
        return ports.stream().anyMatch(p -> p.contains(port));
    }

    boolean flagsProcess(String name) {
        return processes.stream().anyMatch(p -> p.matches(name));
    }

    boolean flagsUser(String name) {
        return users.stream().anyMatch(u -> u.matches(name));
    }

    boolean flagsRemote(String address) {
        byte[] a = Cidr.bytes(address);
        return a != null && remotes.stream().anyMatch(c -> c.contains(a));
    }

    /** Collects criteria from options and files. */
    public static final class Builder {
        /** Longer lines of a criteria file are an error (memory stays bounded whatever the file). */
        static final int MAX_LINE_BYTES = 64 * 1024;

        private final List<PortRange> ports = new ArrayList<>();
        private final List<NamePattern> processes = new ArrayList<>();
        private final List<NamePattern> users = new ArrayList<>();
        private final List<PathGlob> modules = new ArrayList<>();
        private final List<Cidr> remotes = new ArrayList<>();
        private final Map<NamePattern, List<PathGlob>> expectedPaths = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds one criterion.
         *
         * @param kind  one of {@link #KINDS}
         * @param value for port, process, user and remote a comma-separated list; for module a path glob;
         *              for expect-path {@code NAME=PATHGLOB}
         * @throws IllegalArgumentException naming the value, e.g. {@code expecting 1-65535 (found "22a")}
         */
        public Builder add(String kind, String value) {
            String k = kind.trim().toLowerCase(Locale.ROOT);
            switch (k) {
                case "port":
                    for (String v : list(value)) {
                        PortRange range = PortRange.parse(v);
                        if (range.isAny()) {
                            throw new IllegalArgumentException("expecting 1-65535 (found \"" + v + "\")");
                        }
                        ports.add(range);
                    }
                    break;
                case "process":
                    list(value).forEach(v -> processes.add(NamePattern.of(v)));
                    break;
                case "user":
                    list(value).forEach(v -> users.add(NamePattern.of(v)));
                    break;
                case "module":
                    modules.add(new PathGlob(value));
                    break;
                case "remote":
                    list(value).forEach(v -> remotes.add(Cidr.parse(v)));
                    break;
                case "expect-path": {
                    int eq = value.indexOf('=');
                    if (eq <= 0 || eq == value.length() - 1 || value.substring(0, eq).isBlank()) {
                        throw new IllegalArgumentException("expecting NAME=PATHGLOB (found \"" + value + "\")");
                    }
                    expectedPaths.computeIfAbsent(NamePattern.of(value.substring(0, eq)), n -> new ArrayList<>())
                            .add(new PathGlob(value.substring(eq + 1)));
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown criterion \"" + kind + "\"; expecting one of "
                            + String.join(", ", KINDS));
            }
            return this;
        }

        private static List<String> list(String value) {
            List<String> out = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("expecting a value (found \"" + value + "\")");
            }
            return out;
        }

        /**
         * Adds the criteria of a file: UTF-8, lines ended by LF, CRLF or CR, each at most {@value #MAX_LINE_BYTES} bytes.
         *
         * @throws IOException              when it cannot be read or is not a regular file (a FIFO is never opened)
         * @throws IllegalArgumentException naming {@code file:line} and the problem (a line that is not UTF-8, or
         *                                  too long, too)
         */
        public Builder addFile(Path file) throws IOException {
            RegularFiles.require(file);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder(); // reports malformed input
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
                boolean afterCr = false;
                int number = 0;
                while (true) {
                    int b = in.read();
                    if (afterCr && b == '\n') {
                        b = in.read();
                    }
                    if (b < 0) {
                        break;
                    }
                    number++;
                    bytes.reset();
                    while (b >= 0 && b != '\n' && b != '\r') {
                        if (bytes.size() == MAX_LINE_BYTES) {
                            throw new IllegalArgumentException(file + ":" + number + ": longer than " + MAX_LINE_BYTES
                                    + " bytes");
                        }
                        bytes.write(b);
                        b = in.read();
                    }
                    afterCr = b == '\r';
                    String line;
                    try {
                        line = utf8.decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
                    } catch (CharacterCodingException e) {
                        throw new IllegalArgumentException(file + ":" + number
                                + ": expecting UTF-8 text, save the file as UTF-8", e);
                    }
                    line(file, number, line);
                }
            }
            return this;
        }

        private void line(Path file, int number, String line) {
            String t = line.strip();
            if (number == 1 && t.startsWith("\uFEFF")) {
                t = t.substring(1);
            }
            if (t.isEmpty() || t.startsWith("#")) {
                return;
            }
            int eq = t.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new IllegalArgumentException("expecting KIND=VALUE (found \"" + t + "\")");
                }
                add(t.substring(0, eq), t.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + number + ": " + e.getMessage(), e);
            }
        }

        public Criteria build() {
            return new Criteria(this);
        }
    }
}
