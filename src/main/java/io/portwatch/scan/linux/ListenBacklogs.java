package io.portwatch.scan.linux;

import io.portwatch.scan.SocketEntry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The backlog (accept queue limit) of each TCP listener, which {@code /proc/net/tcp} does not show: the
 * kernel tells it only over netlink ({@code sock_diag}), which Java cannot open, so it is read from
 * {@code ss -Hltne} (iproute2), whose Send-Q of a LISTEN socket is the backlog, keyed by inode.
 *
 * <p>A listener's backlog is fixed by {@code listen(2)}, so it is remembered by inode and {@code ss} runs only
 * when a scan has a listener not seen before (a steady host runs it never): at most once per scan, bounded in
 * time ({@link #TIMEOUT_SECONDS}) and output ({@link #MAX_OUTPUT_BYTES}). A listener {@code ss} does not list
 * (another network namespace) stays unknown and is not asked for again; without {@code ss} every backlog
 * stays unknown, said once in the log. Not thread-safe: one scan at a time.
 */
final class ListenBacklogs {

    private static final System.Logger LOG = System.getLogger(ListenBacklogs.class.getName());
    static final int TIMEOUT_SECONDS = 5;
    static final int MAX_OUTPUT_BYTES = 8 << 20;

    /** Lists the host's TCP listeners as {@code ss -Hltne} prints them. */
    interface Lister {
        String list() throws IOException;
    }

    private final Lister lister;
    private Map<Long, Integer> known = new HashMap<>();
    private boolean disabled;
    private int runs;

    /** Runs {@code ss}. */
    ListenBacklogs() {
        this(ListenBacklogs::runSs);
    }

    /** For testing only: another lister. */
    ListenBacklogs(Lister lister) {
        this.lister = lister;
    }

    /** Sets the send queue of every TCP LISTEN row of {@code rows} to its backlog, or leaves it unknown. */
    void fill(SocketRows rows) {
        Map<Long, Integer> next = new HashMap<>();
        boolean missing = false;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.isTcpListener(i) && rows.inode(i) != 0) {
                Integer backlog = known.get(rows.inode(i));
                if (backlog == null) {
                    missing = true;
                } else {
                    next.put(rows.inode(i), backlog);
                }
            }
        }
        Map<Long, Integer> listed = missing ? list() : Map.of();
        for (int i = 0; i < rows.size(); i++) {
            if (rows.isTcpListener(i) && rows.inode(i) != 0) {
                long inode = rows.inode(i);
                int backlog = next.computeIfAbsent(inode, k -> listed.getOrDefault(k, SocketEntry.UNKNOWN_QUEUE));
                rows.sendQueue(i, backlog);
            }
        }
        known = next; // only the listeners of this scan: bounded by them
    }

    /** How many times {@code ss} ran, for tests. */
    int runs() {
        return runs;
    }

    private Map<Long, Integer> list() {
        if (disabled) {
            return Map.of();
        }
        runs++;
        try {
            return parse(lister.list());
        } catch (IOException | RuntimeException e) {
            disabled = true;
            LOG.log(System.Logger.Level.WARNING, "listener backlogs unknown, accept queues cannot be judged full: "
                    + e.getMessage());
            return Map.of();
        }
    }

    /**
     * Backlog by inode from {@code ss -Hltne} output: per line the state, Recv-Q, Send-Q (the backlog), the
     * addresses and {@code ino:N} among the extended fields. Lines without both are skipped.
     */
    static Map<Long, Integer> parse(String output) {
        Map<Long, Integer> out = new HashMap<>();
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].equals("LISTEN")) {
                continue;
            }
            long inode = -1;
            for (int i = 3; i < f.length; i++) {
                if (f[i].startsWith("ino:")) {
                    inode = parseLong(f[i].substring(4));
                }
            }
            long backlog = parseLong(f[2]);
            if (inode > 0 && backlog >= 0) {
                out.put(inode, (int) Math.min(backlog, Integer.MAX_VALUE));
            }
        }
        return out;
    }

    private static long parseLong(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }

    /** Runs {@code ss -Hltne} with its output in a private temporary file (no pipe to fill), bounded in time. */
    private static String runSs() throws IOException {
        Path out = Files.createTempFile("portwatch-ss", ".txt");
        try {
            Process p = new ProcessBuilder("ss", "-Hltne").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile())).start();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("ss -Hltne did not finish in " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running ss -Hltne", e);
            }
            if (p.exitValue() != 0) {
                throw new IOException("ss -Hltne exited with " + p.exitValue());
            }
            try (InputStream in = Files.newInputStream(out)) {
                return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }
}
