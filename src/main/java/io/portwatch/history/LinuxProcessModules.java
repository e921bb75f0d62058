package io.portwatch.history;

import io.portwatch.text.Printable;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A Linux process's modules, Port Reporter's "loaded modules": every file mapped with execute
 * permission in {@code /proc/PID/maps} (the executable, shared objects, JNA's extracted library), every
 * mapped {@code .so}/{@code .jar}, and the jars it holds open ({@code /proc/PID/fd}: the JVM reads class
 * path jars through file descriptors, it does not map them). Device files, {@code memfd:} and SysV
 * shared memory are left out; the kernel's {@code " (deleted)"} suffix is removed. Another user's
 * process gives nothing unless portwatch runs as root. Paths are untrusted text (any user names their files):
 * they are made printable ({@link Printable}) here, where they enter; the kernel writes a line feed in a
 * {@code maps} path as {@code \012}, a {@code fd} link target is written raw.
 */
final class LinuxProcessModules implements ProcessModules {

    /** More than any real process loads; a bound on what one row can hold. */
    static final int MAX_MODULES = 5000;
    private static final String DELETED = " (deleted)";

    private final Path procRoot;

    LinuxProcessModules(Path procRoot) {
        this.procRoot = procRoot;
    }

    @Override
    public List<String> of(int pid) {
        Path dir = procRoot.resolve(Integer.toString(pid));
        SortedSet<String> modules = new TreeSet<>();
        // an InputStreamReader decodes leniently: a path of invalid UTF-8 becomes U+FFFD, it does not fail the file
        try (BufferedReader maps = new BufferedReader(new InputStreamReader(Files.newInputStream(dir.resolve("maps")),
                StandardCharsets.UTF_8))) {
            modules.addAll(fromMaps(maps));
        } catch (IOException | RuntimeException e) {
            // exited, or not ours to read
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            List<String> targets = new ArrayList<>();
            for (Path fd : fds) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
                if (targets.size() > MAX_MODULES) {
                    break;
                }
            }
            modules.addAll(openJars(targets));
        } catch (IOException | RuntimeException e) {
            // exited, or not ours to read
        }
        List<String> out = new ArrayList<>(modules);
        return out.size() > MAX_MODULES ? out.subList(0, MAX_MODULES) : out;
    }

    /** Module paths in the text of a {@code maps} file: {@code address perms offset dev inode path}. */
    static SortedSet<String> fromMaps(BufferedReader maps) throws IOException {
        SortedSet<String> out = new TreeSet<>();
        String line;
        while ((line = maps.readLine()) != null && out.size() <= MAX_MODULES) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 6 || f[1].length() < 3 || !f[5].startsWith("/")) {
                continue;
            }
            String path = Printable.of(withoutDeleted(f[5]));
            if (isSpecial(path)) {
                continue;
            }
            if (f[1].charAt(2) == 'x' || isCode(path)) {
                out.add(path);
            }
        }
        return out;
    }

    /** The jars among the targets of {@code fd} links. */
    static SortedSet<String> openJars(Collection<String> targets) {
        SortedSet<String> out = new TreeSet<>();
        for (String t : targets) {
            String path = Printable.of(withoutDeleted(t));
            String lower = path.toLowerCase(Locale.ROOT);
            if (path.startsWith("/") && !isSpecial(path) && (lower.endsWith(".jar") || lower.endsWith(".war")
                    || lower.endsWith(".ear") || lower.endsWith(".jmod"))) {
                out.add(path);
            }
        }
        return out;
    }

    private static boolean isCode(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        return name.endsWith(".so") || name.contains(".so.") || name.endsWith(".jar");
    }

    private static boolean isSpecial(String path) {
        return path.startsWith("/dev/") || path.startsWith("/memfd:") || path.startsWith("/SYSV")
                || path.startsWith("/proc/") || path.startsWith("/anon_hugepage");
    }

    private static String withoutDeleted(String path) {
        return path.endsWith(DELETED) ? path.substring(0, path.length() - DELETED.length()) : path;
    }
}
