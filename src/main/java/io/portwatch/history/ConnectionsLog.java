package io.portwatch.history;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The CSV of Log-Connections.ps1, done right: header exactly
 * {@code TimeStamp,Protocol,LocalAddress,LocalPort,RemoteAddress,RemotePort,State,ProcessName,PID}
 * written only when the file is new, then one row per socket, all rows of one snapshot with the same
 * UTC ISO-8601 time stamp, RFC 4180 quoting, LF line ends, UTF-8. Protocol is {@code TCP} or
 * {@code UDP} as netstat prints it; states are portwatch's (Linux) names; an unknown process or pid
 * is an empty field. All rows of one call go to the file in one write. The process name is written printable.
 *
 * <p>The file is the one the user names ({@code connections --log FILE}): its folder, owner and mode are theirs
 * to choose, but it is opened as every file portwatch writes ({@link OwnedFiles#openNoFollow}): a symbolic link,
 * a hard-linked file or anything but a regular file at that name is refused, never followed or written through,
 * and a new file is created with mode 0600.
 */
public final class ConnectionsLog {

    /** The header, column by column. */
    public static final List<String> COLUMNS = List.of("TimeStamp", "Protocol", "LocalAddress", "LocalPort",
            "RemoteAddress", "RemotePort", "State", "ProcessName", "PID");

    /** A header is read from at most this many first bytes of the file. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private ConnectionsLog() {
    }

    /**
     * Appends these sockets of the snapshot, with the header first when the file is new or empty.
     *
     * @return rows appended
     * @throws IOException when the file cannot be written, or it already holds another kind of CSV
     *                     (the message names the file and both headers)
     */
    public static int append(Path file, Instant time, List<SocketEntry> sockets, Snapshot snapshot) throws IOException {
        String stamp = HistoryFiles.formatTime(time);
        StringBuilder text = new StringBuilder(64 + sockets.size() * 96);
        try (FileChannel ch = OwnedFiles.openNoFollow(file)) {
            long size = ch.size();
            if (size == 0) {
                text.append(Csv.header(COLUMNS));
            } else {
                Optional<List<String>> header = header(ch, file);
                if (header.isEmpty() || !isHeader(header.get())) {
                    throw new IOException(file + ": not a Log-Connections CSV: its header is "
                            + header.map(h -> String.join(",", h)).orElse("missing") + ", expecting " + String.join(",", COLUMNS));
                }
                if (lastByte(ch, size) != '\n') {
                    text.append('\n'); // begin on a line of our own
                }
            }
            for (SocketEntry s : sockets) {
                text.append(row(stamp, s, snapshot.owner(s).orElse(null)));
            }
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            long at = size;
            while (bytes.hasRemaining()) {
                at += ch.write(bytes, at);
            }
        }
        return sockets.size();
    }

    static String row(String stamp, SocketEntry s, ProcessInfo p) {
        return Csv.line(stamp, s.protocol().name(), Addresses.format(s.localAddress()), s.localPort(),
                Addresses.format(s.remoteAddress()), s.remotePort(), s.state(), p == null ? "" : HistoryFiles.text(p.name()),
                s.hasOwner() ? Integer.toString(s.pid()) : "");
    }

    /** True when these are the Log-Connections columns (names compared case-insensitively). */
    public static boolean isHeader(List<String> columns) {
        if (columns.size() != COLUMNS.size()) {
            return false;
        }
        for (int i = 0; i < COLUMNS.size(); i++) {
            if (!COLUMNS.get(i).equalsIgnoreCase(columns.get(i).trim())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first record of a CSV file, skipping a PowerShell {@code #TYPE} line and a byte order mark;
     * empty for an empty file.
     *
     * @throws IOException when it cannot be read, or its first record is not CSV (an unterminated quote, a field
     *                     over the bound): the message names the file and line
     */
    public static Optional<List<String>> header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return Csv.header(in, file.toString());
        }
    }

    /** The header of the file open for appending, read through the channel (not by its name again). */
    private static Optional<List<String>> header(FileChannel ch, Path file) throws IOException {
        ByteBuffer start = ByteBuffer.allocate((int) Math.min(ch.size(), MAX_HEADER_BYTES));
        while (start.hasRemaining() && ch.read(start, start.position()) >= 0) {
            // reads the first bytes
        }
        return Csv.header(new ByteArrayInputStream(start.array(), 0, start.position()), file.toString());
    }

    private static byte lastByte(FileChannel ch, long size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1);
        ch.read(b, size - 1);
        return b.get(0);
    }
}
