package io.portwatch.scan.linux;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a network namespace has any TCP socket, from its {@code net/sockstat} and {@code net/sockstat6}
 * (per-namespace counters, cheap to read):
 * <pre>
 *   TCP: inuse 12 orphan 0 tw 3 alloc 14 mem 1      (sockstat: IPv4 sockets, TIME_WAIT of both families)
 *   TCP6: inuse 2                                   (sockstat6: IPv6 sockets, v4-mapped ones included)
 * </pre>
 * Reading {@code net/tcp} or {@code tcp6} walks the kernel's TCP hash table, which is shared by every namespace
 * (unless {@code net.ipv4.tcp_child_ehash_entries} is set): each read costs what the whole host holds, even for a
 * namespace with no socket at all. So a namespace's TCP table is read only when its counters say it is not empty;
 * a counter that cannot be read or understood means "read the table".
 */
final class SockStat {

    private static final int MAX_BYTES = 4096;

    /** True when {@code tcp} ({@code ipv6} false) or {@code tcp6} of the namespace may hold a socket. */
    private final boolean tcp;
    private final boolean tcp6;

    private SockStat(boolean tcp, boolean tcp6) {
        this.tcp = tcp;
        this.tcp6 = tcp6;
    }

    /** The counters of the namespace whose {@code net} directory is {@code netDir}. */
    static SockStat read(Path netDir) {
        String v4 = text(netDir.resolve("sockstat"));
        String v6 = text(netDir.resolve("sockstat6"));
        long inuse = field(v4, "TCP:", "inuse");
        long tw = field(v4, "TCP:", "tw");
        long inuse6 = field(v6, "TCP6:", "inuse");
        boolean timeWait = tw != 0; // -1 (unknown) counts as maybe
        return new SockStat(inuse != 0 || timeWait, inuse6 != 0 || timeWait);
    }

    boolean mayHoldTcp() {
        return tcp;
    }

    boolean mayHoldTcp6() {
        return tcp6;
    }

    /** The number after {@code name} on the line starting with {@code line}, -1 when there is none. */
    static long field(String text, String line, String name) {
        if (text == null) {
            return -1;
        }
        for (String l : text.split("\n")) {
            if (!l.startsWith(line + " ")) {
                continue;
            }
            String[] words = l.substring(line.length()).trim().split(" +");
            for (int i = 0; i + 1 < words.length; i += 2) {
                if (words[i].equals(name)) {
                    try {
                        long value = Long.parseLong(words[i + 1]);
                        return value >= 0 ? value : -1;
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    private static String text(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_BYTES), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }
}
