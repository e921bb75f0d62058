package io.portwatch.scan.linux;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.List;

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
 * are big-endian hex ({@code 1F90} is 8080), {@code st} is a hex state code, {@code uid} and
 * {@code inode} are decimal. Columns after {@code inode} are ignored.
 *
 * <p>Lines are parsed by index, without regular expressions or splitting: a large host has hundreds
 * of thousands of them. The owner pid of every parsed socket is {@link SocketEntry#UNKNOWN_PID}.
 */
final class ProcNetParser {

    private final boolean littleEndian;

    /** A parser for tables written by the kernel this JVM runs on. */
    ProcNetParser() {
        this(ByteOrder.nativeOrder());
    }

    /** A parser for tables written by a kernel of the given byte order (captured fixtures). */
    ProcNetParser(ByteOrder hostOrder) {
        this.littleEndian = hostOrder == ByteOrder.LITTLE_ENDIAN;
    }

    /**
     * Parses a whole table: skips the header (the first line) and blank lines, appends one entry
     * per socket line to {@code out}.
     *
     * @throws IOException              when reading fails
     * @throws IllegalArgumentException for a malformed line, naming its line number, column and text
     */
    void parse(Protocol protocol, BufferedReader table, List<SocketEntry> out) throws IOException {
        String line = table.readLine(); // header
        int lineNumber = 1;
        while ((line = table.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(parseLine(protocol, line));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Parses one socket line.
     *
     * @throws IllegalArgumentException naming the column and the text found
     */
    SocketEntry parseLine(Protocol protocol, CharSequence line) {
        Columns c = new Columns(line);
        c.next("sl");
        if (c.end - c.start < 2 || line.charAt(c.end - 1) != ':') {
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
        return new SocketEntry(protocol, localAddress, localPort, remoteAddress, remotePort,
                SocketState.fromLinuxCode(protocol, (int) code), inode, uidValue, SocketEntry.UNKNOWN_PID);
    }

    /** The address part of {@code HEXADDR:PORT}: 8 hex digits (IPv4) or 32 (IPv6), words in host order. */
    private InetAddress address(Columns c, String column) {
        int colon = c.end - 5;
        int length = colon - c.start;
        if (colon < c.start || c.line.charAt(colon) != ':' || (length != 8 && length != 32)) {
            throw c.bad(column, "an address of 8 or 32 hex digits, a colon and a port of 4 hex digits");
        }
        byte[] raw = new byte[length / 2];
        boolean zero = true;
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                int at = c.start + (word + i) * 2;
                long value = hex(c.line, at, at + 2);
                if (value < 0) {
                    throw c.bad(column, "an address of 8 or 32 hex digits");
                }
                raw[word + (littleEndian ? 3 - i : i)] = (byte) value;
                zero &= value == 0;
            }
        }
        if (zero) {
            return raw.length == 4 ? Addresses.anyIPv4() : Addresses.anyIPv6();
        }
        return Addresses.fromBytes(raw); // turns ::ffff:a.b.c.d into a.b.c.d
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
    private static long hex(CharSequence s, int from, int to) {
        if (from >= to || to - from > 15) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(s.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            value = value << 4 | digit;
        }
        return value;
    }

    /** Value of the decimal digits in {@code [from, to)}, -1 when there are none, one is not a digit or it overflows. */
    private static long decimal(CharSequence s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }

    /** A cursor over the space-separated columns of one line: the current column is {@code [start, end)}. */
    private static final class Columns {
        final CharSequence line;
        int start;
        int end;

        Columns(CharSequence line) {
            this.line = line;
        }

        void next(String column) {
            int i = end;
            int length = line.length();
            while (i < length && line.charAt(i) == ' ') {
                i++;
            }
            start = i;
            while (i < length && line.charAt(i) != ' ') {
                i++;
            }
            end = i;
            if (start == end) {
                throw new IllegalArgumentException(column + ": expecting a column, found the end of the line \"" + line + "\"");
            }
        }

        IllegalArgumentException bad(String column, String expecting) {
            return new IllegalArgumentException(column + ": expecting " + expecting + ", found \""
                    + line.subSequence(start, end) + "\" in \"" + line.toString().strip() + "\"");
        }
    }
}
