package io.portwatch.scan.linux;

import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the socket tables {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}.
 *
 * <p>After a header line, each line is one socket:
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm-&gt;when retrnsmt   uid  timeout inode ...
 *    0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 ...
 * </pre>
 * Addresses are hex: an IPv4 address is one 32-bit word and an IPv6 address four 32-bit words, each
 * word printed in the host's byte order ({@code 0100007F} is 127.0.0.1 on little-endian x86). Ports
 * are big-endian hex ({@code 1F90} is 8080), {@code st} is a hex state code, {@code tx_queue} and
 * {@code rx_queue} are hex, {@code uid} and {@code inode} are decimal. Columns after {@code inode} are ignored.
 *
 * <p>The queues: {@code rx_queue} is the bytes received and not yet read, and for a TCP LISTEN socket the
 * connections waiting in its accept queue ({@code sk_ack_backlog}); {@code tx_queue} is the bytes not yet
 * acknowledged (TCP) or sent (UDP). For a LISTEN socket {@code tx_queue} is not its backlog (the kernel prints
 * {@code write_seq - snd_una} there, always 0; {@code ss} takes the backlog from netlink), so a LISTEN row's
 * send queue is left unknown here and {@link ListenBacklogs} fills it in.
 *
 * <p>A large host has hundreds of thousands of lines (30 MB of text at 200k sockets), so the table is
 * parsed byte by byte in one reused buffer: no {@code String} per line, no regular expressions, no
 * splitting, and one shared {@link InetAddress} per distinct address ({@link AddressCache}). Text is
 * made only for the message of a malformed line. Not thread-safe: one parse at a time.
 */
final class ProcNetParser {

    private static final int BUFFER_BYTES = 1 << 18;
    /** A socket line is under 200 bytes; a longer one is not a socket table. */
    private static final int MAX_LINE_BYTES = 1 << 16;
    /** {@code TCP_LISTEN} of the kernel's {@code st} column. */
    static final int TCP_LISTEN = 0x0A;
    static final int TCP_ESTABLISHED = 0x01;

    private final boolean littleEndian;
    private final int maxLineBytes;
    private final AddressCache addresses = new AddressCache();
    private final Columns columns = new Columns();
    private byte[] buffer;

    /** A parser for tables written by the kernel this JVM runs on. */
    ProcNetParser() {
        this(ByteOrder.nativeOrder());
    }

    /** A parser for tables written by a kernel of the given byte order (captured fixtures). */
    ProcNetParser(ByteOrder hostOrder) {
        this(hostOrder, BUFFER_BYTES, MAX_LINE_BYTES);
    }

    /**
     * For testing only: a buffer that starts at {@code bufferBytes} and lines of up to {@code maxLineBytes}, so
     * that small tables exercise refilling, growing and the line limit.
     */
    ProcNetParser(ByteOrder hostOrder, int bufferBytes, int maxLineBytes) {
        this.littleEndian = hostOrder == ByteOrder.LITTLE_ENDIAN;
        this.buffer = new byte[bufferBytes];
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Parses a whole table: skips the header (the first line) and blank lines, adds one row per
     * socket line to {@code out}; every row's owner is still unknown.
     *
     * @throws IOException              when reading fails
     * @throws IllegalArgumentException for a malformed line, naming its line number, column and text
     */
    void parse(Protocol protocol, InputStream table, SocketRows out) throws IOException {
        byte[] buf = buffer;
        int length = 0;
        int pos = 0;
        int lineNumber = 0;
        boolean eof = false;
        while (true) {
            int newline = indexOfNewline(buf, pos, length);
            int lineEnd;
            if (newline >= 0) {
                lineEnd = newline;
            } else if (eof) {
                if (pos == length) {
                    return;
                }
                lineEnd = length; // a last line without newline
            } else {
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, length - pos);
                    length -= pos;
                    pos = 0;
                }
                if (length == buf.length) {
                    if (buf.length >= maxLineBytes) {
                        throw new IllegalArgumentException("line " + (lineNumber + 1) + ": longer than "
                                + maxLineBytes + " bytes");
                    }
                    buf = Arrays.copyOf(buf, buf.length * 2);
                    buffer = buf;
                }
                int n = table.read(buf, length, buf.length - length);
                if (n < 0) {
                    eof = true;
                } else {
                    length += n;
                }
                continue;
            }
            lineNumber++;
            int end = lineEnd > pos && buf[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (lineNumber > 1 && !isBlank(buf, pos, end)) {
                try {
                    parseLine(protocol, buf, pos, end, out);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
                }
            }
            pos = lineEnd + 1;
            if (pos > length) {
                return; // the last line had no newline
            }
        }
    }

    /**
     * Parses one socket line (for tests and messages; a scan parses whole tables).
     *
     * @throws IllegalArgumentException naming the column and the text found
     */
    SocketEntry parseLine(Protocol protocol, CharSequence line) {
        byte[] bytes = line.toString().getBytes(StandardCharsets.ISO_8859_1);
        SocketRows rows = new SocketRows(1);
        parseLine(protocol, bytes, 0, bytes.length, rows);
        return rows.entry(0, SocketEntry.UNKNOWN_PID);
    }

    private void parseLine(Protocol protocol, byte[] line, int from, int to, SocketRows out) {
        Columns c = columns;
        c.reset(line, from, to);
        c.next("sl");
        if (c.end - c.start < 2 || line[c.end - 1] != ':') {
            throw c.bad("sl", "a number and a colon");
        }
        c.next("local_address");
        InetAddress localAddress = address(c, "local_address");
        int localPort = port(c, "local_address");
        c.next("rem_address");
        InetAddress remoteAddress = address(c, "rem_address");
        int remotePort = port(c, "rem_address");
        c.next("st");
        long code = hex(line, c.start, c.end);
        if (code < 0 || c.end - c.start > 2) {
            throw c.bad("st", "a hex state code");
        }
        c.next("tx_queue:rx_queue");
        if (c.end - c.start != 17 || line[c.start + 8] != ':') {
            throw c.bad("tx_queue:rx_queue", "two queues of 8 hex digits separated by a colon");
        }
        long txQueue = hex(line, c.start, c.start + 8);
        long rxQueue = hex(line, c.start + 9, c.end);
        if (txQueue < 0 || rxQueue < 0) {
            throw c.bad("tx_queue:rx_queue", "two queues of 8 hex digits separated by a colon");
        }
        c.next("tr:tm->when");
        c.next("retrnsmt");
        c.next("uid");
        long uid = decimal(line, c.start, c.end);
        if (uid < 0) {
            throw c.bad("uid", "a decimal uid");
        }
        c.next("timeout");
        c.next("inode");
        long inode = decimal(line, c.start, c.end);
        if (inode < 0) {
            throw c.bad("inode", "a decimal inode number");
        }
        // uid_t is unsigned 32-bit; the rare uid beyond int (4294967295 = "no uid") is reported as unknown
        int uidValue = uid > Integer.MAX_VALUE ? -1 : (int) uid;
        // a LISTEN line's tx_queue is not its backlog: unknown until ListenBacklogs tells
        int sendQueue = protocol == Protocol.TCP && code == TCP_LISTEN ? SocketEntry.UNKNOWN_QUEUE : clamp(txQueue);
        out.add(protocol, localAddress, localPort, remoteAddress, remotePort, (int) code, uidValue, inode,
                clamp(rxQueue), sendQueue);
    }

    /** A queue of up to 32 bits as an int: the rare value beyond int is capped. */
    private static int clamp(long queue) {
        return (int) Math.min(queue, Integer.MAX_VALUE);
    }

    /** The address part of {@code HEXADDR:PORT}: 8 hex digits (IPv4) or 32 (IPv6), words in host order. */
    private InetAddress address(Columns c, String column) {
        int colon = c.end - 5;
        int length = colon - c.start;
        if (colon < c.start || c.line[colon] != ':' || (length != 8 && length != 32)) {
            throw c.bad(column, "an address of 8 or 32 hex digits, a colon and a port of 4 hex digits");
        }
        if (length == 8) {
            return addresses.ipv4(word(c, column, c.start));
        }
        long high = (long) word(c, column, c.start) << 32 | word(c, column, c.start + 8) & 0xFFFFFFFFL;
        long low = (long) word(c, column, c.start + 16) << 32 | word(c, column, c.start + 24) & 0xFFFFFFFFL;
        return addresses.ipv6(high, low); // ::ffff:a.b.c.d comes back as a.b.c.d
    }

    /** Eight hex digits at {@code at}: one 32-bit word of the address, returned in network byte order. */
    private int word(Columns c, String column, int at) {
        long value = hex(c.line, at, at + 8);
        if (value < 0) {
            throw c.bad(column, "an address of 8 or 32 hex digits");
        }
        return littleEndian ? Integer.reverseBytes((int) value) : (int) value;
    }

    /** The port part of {@code HEXADDR:PORT}: 4 hex digits, big-endian. */
    private static int port(Columns c, String column) {
        long port = hex(c.line, c.end - 4, c.end);
        if (port < 0) {
            throw c.bad(column, "a port of 4 hex digits");
        }
        return (int) port;
    }

    /** Value of the hex digits in {@code [from, to)}, -1 when there are none or one is not a hex digit. */
    private static long hex(byte[] s, int from, int to) {
        if (from >= to || to - from > 15) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int ch = s[i];
            int digit;
            if (ch >= '0' && ch <= '9') {
                digit = ch - '0';
            } else if (ch >= 'A' && ch <= 'F') {
                digit = ch - ('A' - 10);
            } else if (ch >= 'a' && ch <= 'f') {
                digit = ch - ('a' - 10);
            } else {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    /** Value of the decimal digits in {@code [from, to)}, -1 when there are none, one is not a digit or it overflows. */
    private static long decimal(byte[] s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int ch = s[i];
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    private static int indexOfNewline(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** As {@link String#isBlank()} for ISO-8859-1 text. */
    private static boolean isBlank(byte[] buf, int from, int to) {
        for (int i = from; i < to; i++) {
            int ch = buf[i] & 0xFF;
            if (!(ch == ' ' || ch >= 0x09 && ch <= 0x0D || ch >= 0x1C && ch <= 0x1F)) {
                return false;
            }
        }
        return true;
    }

    /** A cursor over the space-separated columns of one line: the current column is {@code [start, end)}. */
    private static final class Columns {
        byte[] line;
        int from;
        int to;
        int start;
        int end;

        void reset(byte[] text, int lineStart, int lineEnd) {
            line = text;
            from = lineStart;
            to = lineEnd;
            start = lineStart;
            end = lineStart;
        }

        void next(String column) {
            int i = end;
            while (i < to && line[i] == ' ') {
                i++;
            }
            start = i;
            while (i < to && line[i] != ' ') {
                i++;
            }
            end = i;
            if (start == end) {
                throw new IllegalArgumentException(column + ": expecting a column, found the end of the line \""
                        + text(from, to) + "\"");
            }
        }

        IllegalArgumentException bad(String column, String expecting) {
            return new IllegalArgumentException(column + ": expecting " + expecting + ", found \"" + text(start, end)
                    + "\" in \"" + text(from, to).strip() + "\"");
        }

        private String text(int a, int b) {
            return new String(line, a, b - a, StandardCharsets.ISO_8859_1);
        }
    }
}
