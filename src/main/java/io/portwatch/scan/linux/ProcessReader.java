package io.portwatch.scan.linux;

import io.portwatch.scan.ProcessInfo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what {@code /proc/PID} tells of one process:
 * <ul>
 *   <li>{@code name}: {@code comm} without the line end the kernel adds;</li>
 *   <li>{@code exePath}, {@code exeName}: the {@code exe} link and its base name, without the
 *       {@code " (deleted)"} the kernel appends when the file was replaced; empty when the link cannot be
 *       read (another user's process, when not root);</li>
 *   <li>{@code user}: the real uid of {@code status}'s {@code Uid:} line, named from the passwd file
 *       (read once, then cached), or the number itself when the file does not name it;</li>
 *   <li>{@code commandLine}: {@code cmdline} (its first {@value #MAX_COMMAND_LINE_BYTES} bytes) with its NUL
 *       separators turned into spaces, trimmed;</li>
 *   <li>{@code startedAt}: field 22 of {@code stat} (start time in clock ticks after boot) plus
 *       {@code btime} of {@code /proc/stat}. <b>Assumes {@code CLK_TCK} (USER_HZ) = 100</b>, which is what
 *       the kernel reports to user space on x86, arm, arm64, ppc, s390 and riscv whatever its internal
 *       HZ; Java cannot call {@code sysconf(_SC_CLK_TCK)} without native code.</li>
 * </ul>
 * Every text is read leniently and made printable where it is read ({@link ProcText}, docs/design.md §5 rule 4):
 * a name with invalid UTF-8 (a {@code comm} cut inside a character) or control characters is shown as
 * U+FFFD and {@code \xHH}, and its process stays the owner of its sockets.
 * Boot time is read once and then cached, so that a process keeps the same start time across scans
 * ({@code btime} may move by a second as the clock is adjusted).
 */
final class ProcessReader {

    /** USER_HZ: the unit of the times in {@code /proc/PID/stat}. */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    /** Most bytes of {@code cmdline} read; a longer command line is cut there. */
    static final int MAX_COMMAND_LINE_BYTES = 1 << 20;
    /** Most bytes read of {@code comm} (the kernel's are at most 16), {@code status}, {@code stat}. */
    private static final int MAX_SMALL_FILE_BYTES = 64 * 1024;
    private static final String DELETED = " (deleted)";
    /** {@code starttime} is field 22 of {@code stat}; fields are counted from 1, {@code state} (3) follows the name. */
    private static final int START_TIME_AFTER_STATE = 22 - 3;

    private final Path procRoot;
    private final Path passwdFile;
    private Map<Integer, String> userNames;
    private long bootTimeSeconds = -1;

    ProcessReader(Path procRoot, Path passwdFile) {
        this.procRoot = procRoot;
        this.passwdFile = passwdFile;
    }

    /** The process, empty when it has exited (its {@code comm} is gone). */
    Optional<ProcessInfo> read(int pid) {
        Path dir = procRoot.resolve(Integer.toString(pid));
        String name;
        try {
            byte[] comm = ProcText.bytes(dir.resolve("comm"), MAX_SMALL_FILE_BYTES);
            int end = comm.length > 0 && comm[comm.length - 1] == '\n' ? comm.length - 1 : comm.length;
            name = ProcText.printable(comm, 0, end);
        } catch (IOException e) {
            return Optional.empty();
        }
        String exePath = exePath(dir);
        String exeName = exePath.substring(exePath.lastIndexOf('/') + 1);
        return Optional.of(new ProcessInfo(pid, name, exeName, user(dir), exePath, commandLine(dir), startedAt(dir)));
    }

    private static String exePath(Path dir) {
        try {
            String target = ProcText.printable(Files.readSymbolicLink(dir.resolve("exe")));
            return target.endsWith(DELETED) ? target.substring(0, target.length() - DELETED.length()) : target;
        } catch (IOException e) {
            return "";
        }
    }

    private String user(Path dir) {
        try {
            for (String line : ProcText.read(dir.resolve("status"), MAX_SMALL_FILE_BYTES).split("\n")) {
                if (line.startsWith("Uid:")) {
                    int uid = realUid(line);
                    return uid < 0 ? "" : userName(uid);
                }
            }
        } catch (IOException e) {
            // exited meanwhile
        }
        return "";
    }

    /** The first number of {@code Uid:\tREAL\tEFFECTIVE\tSAVED\tFS}, -1 when there is none. */
    private static int realUid(String line) {
        int i = "Uid:".length();
        while (i < line.length() && Character.isWhitespace(line.charAt(i))) {
            i++;
        }
        long uid = 0;
        int start = i;
        while (i < line.length() && line.charAt(i) >= '0' && line.charAt(i) <= '9' && i - start < 10) {
            uid = uid * 10 + (line.charAt(i) - '0');
            i++;
        }
        return i == start || uid > Integer.MAX_VALUE ? -1 : (int) uid;
    }

    private String userName(int uid) {
        if (userNames == null) {
            userNames = readPasswd(passwdFile);
        }
        String name = userNames.get(uid);
        return name != null ? name : Integer.toString(uid);
    }

    /**
     * uid → name from {@code name:password:uid:gid:...} lines; the first line for a uid wins, as for getpwuid.
     * Read leniently (a line with invalid UTF-8 does not hide the others) and each name made printable.
     */
    static Map<Integer, String> readPasswd(Path file) {
        Map<Integer, String> names = new HashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int nameEnd = line.indexOf(':');
                int uidStart = nameEnd < 0 ? -1 : line.indexOf(':', nameEnd + 1) + 1;
                int uidEnd = uidStart <= 0 ? -1 : line.indexOf(':', uidStart);
                if (nameEnd <= 0 || uidEnd <= uidStart || line.startsWith("#")) {
                    continue;
                }
                try {
                    int uid = Integer.parseInt(line, uidStart, uidEnd, 10);
                    names.putIfAbsent(uid, ProcText.printable(line.substring(0, nameEnd)));
                } catch (NumberFormatException e) {
                    // not a passwd line; skip it as getpwent would
                }
            }
        } catch (IOException e) {
            // no passwd file (a minimal container): users are shown by number
        }
        return names;
    }

    private static String commandLine(Path dir) {
        try {
            byte[] raw = ProcText.bytes(dir.resolve("cmdline"), MAX_COMMAND_LINE_BYTES);
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    raw[i] = ' ';
                }
            }
            return ProcText.printable(raw, 0, raw.length).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private Instant startedAt(Path dir) {
        long ticks;
        try {
            ticks = startTimeTicks(ProcText.read(dir.resolve("stat"), MAX_SMALL_FILE_BYTES));
        } catch (IOException e) {
            return null;
        }
        long boot = bootTimeSeconds();
        if (ticks < 0 || boot < 0) {
            return null;
        }
        return Instant.ofEpochSecond(boot + ticks / CLOCK_TICKS_PER_SECOND,
                ticks % CLOCK_TICKS_PER_SECOND * (1_000_000_000L / CLOCK_TICKS_PER_SECOND));
    }

    /**
     * Field 22 of {@code PID (COMM) STATE PPID ...}, -1 when missing. The name may hold spaces and
     * parentheses, so the fields are counted from the last {@code ')'}.
     */
    static long startTimeTicks(String stat) {
        int i = stat.lastIndexOf(')');
        if (i < 0) {
            return -1;
        }
        i++;
        for (int field = 0; field < START_TIME_AFTER_STATE; field++) {
            while (i < stat.length() && stat.charAt(i) == ' ') {
                i++;
            }
            while (i < stat.length() && stat.charAt(i) != ' ') {
                i++;
            }
        }
        while (i < stat.length() && stat.charAt(i) == ' ') {
            i++;
        }
        int start = i;
        long ticks = 0;
        while (i < stat.length() && stat.charAt(i) >= '0' && stat.charAt(i) <= '9' && i - start < 18) {
            ticks = ticks * 10 + (stat.charAt(i) - '0');
            i++;
        }
        return i == start ? -1 : ticks;
    }

    /** {@code btime} of {@code /proc/stat} in epoch seconds, -1 when it cannot be read (then tried again next time). */
    private long bootTimeSeconds() {
        if (bootTimeSeconds < 0) {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    Files.newInputStream(procRoot.resolve("stat")), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("btime ")) {
                        bootTimeSeconds = Long.parseLong(line.substring("btime ".length()).trim());
                        break;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return -1;
            }
        }
        return bootTimeSeconds;
    }
}
