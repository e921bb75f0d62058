package io.portwatch.scan.linux;

import io.portwatch.scan.ListenCounters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads {@code ListenOverflows} and {@code ListenDrops} from {@code /proc/net/netstat}: pairs of lines, a
 * {@code TcpExt:} line of names and a {@code TcpExt:} line of values in the same order. The file is a few
 * kilobytes; at most {@link #MAX_BYTES} are read. A missing, unreadable or malformed file gives
 * {@link ListenCounters#UNKNOWN}: the counters are an addition, never a reason for a scan to fail.
 */
final class NetstatCounters {

    static final int MAX_BYTES = 1 << 16;

    private NetstatCounters() {
    }

    static ListenCounters read(Path netstat) {
        try (InputStream in = Files.newInputStream(netstat)) {
            return parse(new String(in.readNBytes(MAX_BYTES), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            return ListenCounters.UNKNOWN;
        }
    }

    static ListenCounters parse(String text) {
        String[] lines = text.split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                String[] names = lines[i].trim().split("\\s+");
                String[] values = lines[i + 1].trim().split("\\s+");
                if (names.length != values.length) {
                    return ListenCounters.UNKNOWN;
                }
                long overflows = -1;
                long drops = -1;
                for (int k = 1; k < names.length; k++) {
                    if (names[k].equals("ListenOverflows")) {
                        overflows = value(values[k]);
                    } else if (names[k].equals("ListenDrops")) {
                        drops = value(values[k]);
                    }
                }
                return overflows >= 0 && drops >= 0 ? new ListenCounters(overflows, drops) : ListenCounters.UNKNOWN;
            }
        }
        return ListenCounters.UNKNOWN;
    }

    private static long value(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(s);
    }
}
