package io.portwatch.agent;

import io.portwatch.config.DefinitionProblem;
import io.portwatch.config.Definitions;
import io.portwatch.config.DefinitionsFile;
import io.portwatch.config.DefinitionsFileResult;
import io.portwatch.config.DefinitionsLoader;
import io.portwatch.config.Source;
import io.portwatch.support.FileTrust;
import io.portwatch.text.Printable;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Keeps the definitions in force, file by file, and decides when each definitions file is read again
 * (docs/design.md §2, §5). Called on the scan thread once a cycle; never waits longer than the read deadline.
 *
 * <ul>
 *   <li><b>Each file alone.</b> The listening and the connections file are decided independently: a
 *       bad listening file keeps the last good listening rows and does not hold back a good change of
 *       the connections file, and the other way round.</li>
 *   <li><b>Only a settled file is read.</b> A file is read again when it differs from what was last read
 *       (presence, name, type, size, modification time, file key, and the owner, group, mode and change time
 *       rule 3 judges, of the file and of a symbolic link to it) and has been unchanged for at least
 *       {@link #SETTLE}, by the monitor's clock: its modification time (the directory's, for a file
 *       that is not there) is at least that long ago, or this watcher saw it the same at least that
 *       long ago. A half-written file is not read.</li>
 *   <li><b>No silent drop.</b> Once a file has rows in force, the file going missing, being emptied
 *       (0 bytes, or no header line) or having any problem is a config error that names it, and its
 *       rows stay in force. A file holding only its header line is a deliberate "no rows": accepted,
 *       with a WARNING that says how many rows were removed. A file that never had rows may go missing
 *       or be empty (a note).</li>
 *   <li><b>The directory</b> missing, not a directory, or not trusted (docs/design.md §5 rule 3: writable by
 *       others, owned by another user) is one config error, every row stays; it is judged at every check, so the
 *       error clears as soon as the cause is gone (the directory is back, {@code chmod o-w}), no edit needed.</li>
 *   <li><b>An error clears when its cause is gone.</b> A chmod or chown of the file, or a link swapped, changes
 *       what is looked at, so the file is read again. A file that was not opened ({@code REFUSED}: not trusted,
 *       access denied, not a regular file) is also tried again every {@link #RETRY_UNREAD} though nothing looked at
 *       changed, since the cause may lie elsewhere (a group's members, the folder of a link's target); such a
 *       retry that finds the same problems logs and counts nothing.</li>
 *   <li><b>Reads never block the scan loop.</b> Each file is read on its own daemon thread
 *       ({@code portwatch-definitions-read-listening}, {@code -connections}) and waited for at most
 *       the read deadline. A read that does not finish is abandoned by that cycle and reported, and
 *       that cycle does not scan ({@link Check#skipScan()}); while it is still running and the file is
 *       as it was, that file is not read again ("still reading"), so no thread or read piles up; once it
 *       has finished, its result is used if the file is still as it was (a slow read is not started
 *       over). When the file changes while the read is still blocked (a FIFO swapped in between the type
 *       check and the open, then out again), the blocked thread is left behind and the file is read on a
 *       new one, at most {@value #MAX_ABANDONED_READS} times per file. Looking at
 *       the files (stat, directory listing) opens none, so it runs on the caller's thread.</li>
 * </ul>
 * Problems: at most {@value DefinitionsLoader#MAX_PROBLEMS} per file reach the config errors (and a
 * line saying how many more); one log line shows the first {@value #PROBLEMS_LOGGED} and "and N more".
 */
final class DefinitionsWatcher implements AutoCloseable {

    /** How long a file must have been unchanged before it is read again. */
    static final Duration SETTLE = Duration.ofSeconds(1);
    /** How long a cycle waits for the files it reads. */
    static final Duration READ_DEADLINE = Duration.ofSeconds(5);
    /** Problems shown in a log line; the rest are counted. */
    static final int PROBLEMS_LOGGED = 20;
    /** How often a file that could not be read is tried again though nothing visible of it changed. */
    static final Duration RETRY_UNREAD = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger("io.portwatch");

    /** Reads one file ({@link DefinitionsLoader#loadFile}); a seam for tests. */
    interface Loader {
        DefinitionsFileResult load(Path directory, DefinitionsFile file);
    }

    /**
     * What a check gave.
     *
     * @param definitions   the rows in force, both files
     * @param errors        what is wrong with the files on disk now, one line each
     * @param reloadsOk     files read and put in force by this check (the first load counts none)
     * @param reloadsFailed files read (or tried) and refused by this check (the first load counts none)
     * @param skipScan      why this cycle must not scan (a read did not finish within the deadline), else ""
     * @param changed       whether any of the above differs from the previous check
     */
    record Check(Definitions definitions, List<String> errors, int reloadsOk, int reloadsFailed, String skipScan,
                 boolean changed) {
    }

    private final Path directory;
    private final Clock clock;
    private final Duration readDeadline;
    private final Loader loader;
    private final FileTrust trust;
    private final Map<DefinitionsFile, Watched> files = new EnumMap<>(DefinitionsFile.class);
    private String directoryError;
    private Definitions inForce = Definitions.EMPTY;
    private List<String> errors = List.of();

    DefinitionsWatcher(Path directory, Clock clock, Duration readDeadline, Loader loader) {
        this(directory, clock, readDeadline, loader, FileTrust.strict());
    }

    /** @param trust how the directory is judged ({@code files.strictModes}); the loader judges the files */
    DefinitionsWatcher(Path directory, Clock clock, Duration readDeadline, Loader loader, FileTrust trust) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.clock = clock;
        this.readDeadline = readDeadline;
        this.loader = loader;
        this.trust = Objects.requireNonNull(trust, "trust");
        for (DefinitionsFile file : DefinitionsFile.values()) {
            files.put(file, new Watched(file));
        }
    }

    /**
     * Looks at both files and reads those that changed and settled; {@code force} reads both now,
     * changed or not (the first load, the reloadDefinitions operation). {@code first} counts no reloads.
     */
    Check check(boolean force, boolean first) {
        Instant now = clock.instant();
        Tally tally = new Tally();
        Optional<DefinitionProblem> notADirectory = DefinitionsLoader.checkDirectory(directory, trust);
        if (notADirectory.isPresent()) {
            String error = notADirectory.get().toString();
            if (!error.equals(directoryError)) {
                directoryError = error;
                int n = inForce.size();
                LOG.log(Level.WARNING, "portwatch: " + error + "; " + (n == 0 ? "no definitions in force"
                        : "the " + n + " row" + (n == 1 ? " loaded before stays" : "s loaded before stay") + " in force"));
                tally.failed(first);
            }
            return finish(tally, "");
        }
        if (directoryError != null) {
            LOG.log(Level.INFO, "portwatch: definitions directory " + directory + " is there again");
            directoryError = null;
            tally.changed = true;
        }
        List<Read> reads = new ArrayList<>();
        for (Watched w : files.values()) {
            Read late = w.pending;
            if (late != null && !late.result.isDone()) {
                if (w.abandoned >= MAX_ABANDONED_READS || fingerprint(w.file).equals(late.seen)) {
                    w.errors(List.of(new Source(w.file.fileName(), 0) + ": still reading: the read started at "
                            + late.startedAt + " has not finished; no other read of this file starts until it does"
                            + " or the file changes"), tally);
                    continue;
                }
                // the file changed since the stuck read began (a FIFO swapped in and out again): read it anew
                w.abandonReader(late);
                late = null;
            }
            Fingerprint seen = fingerprint(w.file);
            if (!seen.equals(w.observed)) {
                w.observed = seen;
                w.observedSince = now;
            }
            if (late != null) { // a read that overran an earlier deadline has finished: use it if the file is as it was
                w.pending = null;
                if (late.seen.equals(seen)) {
                    finished(late, first, tally);
                    if (!force) {
                        continue;
                    }
                } else { // changed since: read again once settled; until then nothing is known against it
                    w.loaded = null;
                    w.errors(List.of(), tally);
                }
            }
            boolean changed = !seen.equals(w.loaded) && settled(w, now);
            boolean retry = !changed && w.retryAt != null && !now.isBefore(w.retryAt);
            if (force || changed || retry) {
                reads.add(new Read(w, seen, now, w.reader.start(() -> loader.load(directory, w.file), now),
                        retry && !force));
            }
        }
        String skipScan = "";
        long deadline = System.nanoTime() + readDeadline.toNanos();
        for (Read read : reads) {
            Watched w = read.watched;
            try {
                read.result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                finished(read, first, tally);
            } catch (TimeoutException e) {
                w.pending = read; // used when it finishes, if the file is still as it was
                String error = new Source(w.file.fileName(), 0) + ": not read: reading did not finish within "
                        + text(readDeadline) + " (still running, abandoned by this scan)";
                w.errors(List.of(error), tally);
                tally.failed(first);
                skipScan = (skipScan.isEmpty() ? "scan skipped: " : skipScan + "; ") + "reading "
                        + w.file.fileName() + " did not finish within " + text(readDeadline);
                LOG.log(Level.WARNING, "portwatch: " + error + "; " + rowsInForce(w));
            } catch (ExecutionException e) {
                finished(read, first, tally);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                w.pending = read;
            }
        }
        return finish(tally, skipScan);
    }

    /** Applies a read that has finished, well or not. */
    private void finished(Read read, boolean first, Tally tally) {
        Watched w = read.watched;
        w.loaded = read.seen;
        w.retryAt = null;
        DefinitionsFileResult result;
        try {
            result = read.result.get();
        } catch (ExecutionException e) {
            w.retryAt = read.startedAt.plus(RETRY_UNREAD);
            String error = new Source(w.file.fileName(), 0) + ": cannot read file: "
                    + Printable.of(String.valueOf(e.getCause()));
            if (read.retry && List.of(error).equals(w.errors)) {
                return; // the same as before: said already
            }
            w.errors(List.of(error), tally);
            tally.failed(first);
            LOG.log(Level.WARNING, "portwatch: " + error + "; " + rowsInForce(w));
            return;
        } catch (InterruptedException e) { // not reached: the read has finished
            Thread.currentThread().interrupt();
            return;
        }
        if (result.content() == DefinitionsFileResult.Content.REFUSED) {
            w.retryAt = read.startedAt.plus(RETRY_UNREAD);
            if (read.retry && result.problemLines().equals(w.errors)) {
                return; // the same as before: said already
            }
        }
        apply(w, result, first, tally);
    }

    private Check finish(Tally tally, String skipScan) {
        if (tally.rowsChanged) {
            inForce = new Definitions(files.get(DefinitionsFile.LISTENING).rows.listening(),
                    files.get(DefinitionsFile.CONNECTIONS).rows.connections());
        }
        List<String> now = directoryError != null ? List.of(directoryError)
                : files.values().stream().flatMap(w -> w.errors.stream()).collect(Collectors.toUnmodifiableList());
        boolean changed = tally.changed || tally.rowsChanged || !now.equals(errors) || !skipScan.isEmpty();
        errors = now;
        return new Check(inForce, errors, tally.ok, tally.failed, skipScan, changed);
    }

    /** Applies a finished read of one file: put in force, or refused with the reason. */
    private void apply(Watched w, DefinitionsFileResult result, boolean first, Tally tally) {
        result.notes().forEach(n -> LOG.log(Level.INFO, "portwatch: " + n));
        int before = w.rows.size();
        if (!result.ok()) {
            w.errors(result.problemLines(), tally);
            tally.failed(first);
            LOG.log(Level.WARNING, "portwatch: " + problemsLine(result.problemCount() + " problem"
                    + (result.problemCount() == 1 ? "" : "s") + " in " + result.fileName() + "; " + rowsInForce(w),
                    result.problems().stream().map(DefinitionProblem::toString).collect(Collectors.toList()),
                    result.problemCount()));
            return;
        }
        if (result.content() != DefinitionsFileResult.Content.TABLE && before > 0) {
            String why;
            switch (result.content()) {
                case MISSING:
                    why = "not found in " + directory;
                    break;
                case EMPTY:
                    why = "file is empty (0 bytes)";
                    break;
                default:
                    why = "no header line";
                    break;
            }
            String error = new Source(result.fileName(), 0) + ": " + why + "; " + rowsInForce(w)
                    + " (a file holding only its header line removes them)";
            w.errors(List.of(error), tally);
            tally.failed(first);
            LOG.log(Level.WARNING, "portwatch: " + error);
            return;
        }
        if (result.warningCount() > 0) {
            LOG.log(Level.WARNING, "portwatch: " + problemsLine(result.warningCount() + " warning"
                    + (result.warningCount() == 1 ? "" : "s") + " in " + result.fileName() + " (its rows load)",
                    result.warningLines(), result.warningCount()));
        }
        w.rows = result.definitions();
        w.errors(List.of(), tally);
        tally.rowsChanged = true;
        if (!first) {
            tally.ok++;
        }
        if (result.rows() == 0 && before > 0) {
            LOG.log(Level.WARNING, "portwatch: " + result.fileName() + " holds only its header line: " + before + " "
                    + w.file.rowWord() + " row" + (before == 1 ? "" : "s") + " removed");
        } else if (!first) {
            LOG.log(Level.INFO, "portwatch: reloaded " + result.rows() + " " + w.file.rowWord() + " row"
                    + (result.rows() == 1 ? "" : "s") + " from " + directory.resolve(result.fileName()));
        }
    }

    private static String rowsInForce(Watched w) {
        int n = w.rows.size();
        return n == 0 ? "no " + w.file.rowWord() + " rows in force"
                : "the " + n + " " + w.file.rowWord() + " row" + (n == 1 ? "" : "s") + " loaded before stay"
                + (n == 1 ? "s" : "") + " in force";
    }

    /**
     * One log line for many problems: {@code head: p1; p2; ...; p20; and N more}, showing at most
     * {@value #PROBLEMS_LOGGED} of them whatever their number.
     */
    static String problemsLine(String head, List<String> problems, long total) {
        List<String> shown = problems.subList(0, Math.min(PROBLEMS_LOGGED, problems.size()));
        return head + ": " + String.join("; ", shown) + (total > shown.size() ? "; and " + (total - shown.size())
                + " more" : "");
    }

    private static boolean settled(Watched w, Instant now) {
        Instant seenSince = w.observedSince;
        Instant modified = w.observed.modified;
        return !now.isBefore(seenSince.plus(SETTLE)) || modified != null && !now.isBefore(modified.plus(SETTLE));
    }

    /** What a file looks like without opening it. */
    private Fingerprint fingerprint(DefinitionsFile file) {
        List<Path> found;
        try {
            found = DefinitionsLoader.locate(directory, file);
        } catch (IOException | RuntimeException e) {
            return new Fingerprint("unlisted " + e, null);
        }
        if (found.size() != 1) { // none or several: what changes them is an entry of the directory
            Instant modified = null;
            try {
                modified = Files.getLastModifiedTime(directory).toInstant();
            } catch (IOException | RuntimeException e) {
                // seen unchanged for a second will do
            }
            return new Fingerprint(found.stream().map(p -> p.getFileName().toString())
                    .collect(Collectors.joining("/", "names ", "")), modified);
        }
        Path path = found.get(0);
        String name = path.getFileName().toString();
        BasicFileAttributes a;
        String link = Files.isSymbolicLink(path) ? " link " + trustAttributes(path, LinkOption.NOFOLLOW_LINKS) : "";
        try {
            a = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            try {
                a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException | RuntimeException e2) {
                return new Fingerprint(name + " unreadable " + e2, null);
            }
        }
        Instant modified = a.lastModifiedTime().toInstant();
        return new Fingerprint(name + (a.isRegularFile() ? " file " : a.isDirectory() ? " dir " : " other ")
                + a.size() + " " + modified + " " + a.fileKey() + " " + trustAttributes(path) + link, modified);
    }

    /**
     * What rule 3 judges and a chmod, chown or ACL change alters without touching the modification time: owner,
     * group, mode and change time ({@code unix:} view); "" where the platform has no such view.
     */
    private static String trustAttributes(Path path, LinkOption... options) {
        try {
            Map<String, Object> unix = Files.readAttributes(path, "unix:uid,gid,mode,ctime,ino", options);
            return unix.get("uid") + ":" + unix.get("gid") + " " + unix.get("mode") + " " + unix.get("ctime") + " "
                    + unix.get("ino");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() {
        files.values().forEach(w -> w.reader.close());
    }

    /** What a file looked like: equal when nothing visible changed; {@code modified} null when unknown. */
    private static final class Fingerprint {
        final String key;
        final Instant modified;

        Fingerprint(String key, Instant modified) {
            this.key = key;
            this.modified = modified;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fingerprint && ((Fingerprint) o).key.equals(key);
        }

        @Override
        public int hashCode() {
            return key.hashCode();
        }
    }

    /** Reader threads given up on per file while stuck in the kernel (each stays blocked, a daemon); then no more. */
    static final int MAX_ABANDONED_READS = 3;

    /** One file's state. */
    private static final class Watched {
        final DefinitionsFile file;
        ReadThread reader;
        /** Reader threads given up on, still blocked. */
        int abandoned;
        /** The rows of the last good read, in force. */
        Definitions rows = Definitions.EMPTY;
        /** What is wrong with the file on disk now. */
        List<String> errors = List.of();
        /** What the file looked like when last read; null before the first read. */
        Fingerprint loaded;
        /** A read that overran its deadline and may still be running; null when none. */
        Read pending;
        /** When a file that could not be read is tried again, unchanged or not; null when it was read. */
        Instant retryAt;
        Fingerprint observed;
        Instant observedSince;

        Watched(DefinitionsFile file) {
            this.file = file;
            this.reader = new ReadThread(threadName(0));
        }

        private String threadName(int abandonedBefore) {
            return "portwatch-definitions-read-" + file.name().toLowerCase(Locale.ROOT)
                    + (abandonedBefore == 0 ? "" : "-" + (abandonedBefore + 1));
        }

        /** Leaves a reader stuck in the kernel behind (it ends if it ever returns) and reads on a new thread. */
        void abandonReader(Read stuck) {
            reader.close();
            abandoned++;
            reader = new ReadThread(threadName(abandoned));
            pending = null;
            LOG.log(Level.WARNING, "portwatch: " + file.fileName() + " changed while a read started at "
                    + stuck.startedAt + " is still blocked; reading it on a new thread (" + abandoned + " of at most "
                    + MAX_ABANDONED_READS + " blocked threads left behind)");
        }

        void errors(List<String> now, Tally tally) {
            if (!now.equals(errors)) {
                errors = List.copyOf(now);
                tally.changed = true;
            }
        }
    }

    /** A read: of what file, as it looked when the read started, and when (by the monitor's clock). */
    private static final class Read {
        final Watched watched;
        final Fingerprint seen;
        final Instant startedAt;
        final Future<DefinitionsFileResult> result;
        /** Read only because an earlier read could not read it ({@link #RETRY_UNREAD}): the same outcome is quiet. */
        final boolean retry;

        Read(Watched watched, Fingerprint seen, Instant startedAt, Future<DefinitionsFileResult> result,
             boolean retry) {
            this.watched = watched;
            this.seen = seen;
            this.startedAt = startedAt;
            this.result = result;
            this.retry = retry;
        }
    }

    /** What a check did. */
    private static final class Tally {
        int ok;
        int failed;
        boolean changed;
        boolean rowsChanged;

        void failed(boolean first) {
            changed = true;
            if (!first) {
                failed++;
            }
        }
    }
}
