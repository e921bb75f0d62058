package io.portwatch.history;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names and prunes the rotated files of one log: {@code NAME-yyyyMMdd'T'HHmmss'Z'[-N].csv}, stamped with the time of
 * the file's first row, N counting files started in the same second; oldest first by stamp, then N. A new name is
 * above every taken one, whatever is at it; only regular files are rotated files: a symbolic link or anything else
 * at such a name is never counted, listed or deleted (nor followed).
 */
final class RotatedFiles {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;
    private final String baseName;
    private final Pattern name;

    RotatedFiles(Path dir, String baseName) {
        this.dir = dir;
        this.baseName = baseName;
        this.name = Pattern.compile(Pattern.quote(baseName) + "-(\\d{8}T\\d{6}Z)(?:-(\\d+))?" + Pattern.quote(HistoryFiles.EXTENSION));
    }

    /** The name for a file whose first row is of {@code stamp}: {@code NAME-STAMP.csv}, or with N above every file of that stamp. */
    Path next(Instant stamp) throws IOException {
        String text = STAMP.format(stamp);
        int next = 0;
        for (Rotated r : all(false)) {
            if (r.stamp.equals(text)) {
                next = Math.max(next, r.sequence + 1);
            }
        }
        return dir.resolve(baseName + "-" + text + (next == 0 ? "" : "-" + next) + HistoryFiles.EXTENSION);
    }

    /** The rotated files, oldest first. */
    List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Rotated r : all(true)) {
            out.add(r.path);
        }
        return out;
    }

    /** Deletes the oldest rotated files beyond {@code keep}. */
    void prune(int keep) throws IOException {
        List<Rotated> all = all(true);
        for (int i = 0; i < all.size() - keep; i++) {
            Files.deleteIfExists(all.get(i).path);
        }
    }

    private record Rotated(Path path, String stamp, int sequence) {
    }

    /** The names of rotated files, oldest first; with {@code filesOnly}, only those that are regular files. */
    private List<Rotated> all(boolean filesOnly) throws IOException {
        List<Rotated> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, baseName + "-*" + HistoryFiles.EXTENSION)) {
            for (Path p : files) {
                Matcher m = name.matcher(p.getFileName().toString());
                if (m.matches() && (!filesOnly || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))) {
                    out.add(new Rotated(p, m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
                }
            }
        }
        out.sort(Comparator.comparing(Rotated::stamp).thenComparingInt(Rotated::sequence));
        return out;
    }
}
