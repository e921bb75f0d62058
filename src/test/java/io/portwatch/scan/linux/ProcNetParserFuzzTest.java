package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.portwatch.fuzz.Fuzzing;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import org.junit.jupiter.api.AfterAll;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link ProcNetParser} with arbitrary socket tables (issue #11, item 8).
 *
 * <p>The parser's contract for bad input: {@link ProcNetParser#parse} either returns, every row it added making a
 * {@link SocketEntry}, or throws {@link IllegalArgumentException} whose message starts with {@code line N: }
 * (the scan reports it as a failed scan). Any other exception, a hang or running out of the small heap CI gives
 * the fuzzing JVM is a finding.
 *
 * <p>It also checks that how {@code read()} splits the stream does not matter: the table read whole into the
 * default buffer, and read a few bytes at a time into a 16-byte buffer that has to be compacted and grown,
 * give the same rows or the same message. With a 64-byte line limit the result is the same or the line-limit
 * message.
 *
 * <p>Input: byte 0 picks the protocol (bit 0), the byte order (bit 1) and the size of the short reads
 * (bits 2-7, 1 to 64 bytes); the rest is the table. Seeds: {@code ProcNetParserFuzzTestInputs/parse/}, each
 * one selector byte followed by a table captured from a kernel (see {@code ProcNetParserTest/README.txt}).
 */
class ProcNetParserFuzzTest {

    private static final Pattern LINE_MESSAGE = Pattern.compile("line [1-9][0-9]*: .+", Pattern.DOTALL);
    private static final Pattern TOO_LONG = Pattern.compile("line [1-9][0-9]*: longer than 64 bytes");

    private static long inputs;

    @AfterAll
    static void fuzzedWhenAsked() {
        Fuzzing.assertRan(ProcNetParserFuzzTest.class, inputs);
    }

    @FuzzTest(maxDuration = "45s")
    void parse(byte[] input) throws IOException {
        inputs++;
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xFF;
        Protocol protocol = (selector & 1) == 0 ? Protocol.TCP : Protocol.UDP;
        ByteOrder order = (selector & 2) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        int chunk = 1 + (selector >>> 2);
        byte[] table = Arrays.copyOfRange(input, 1, input.length);

        Outcome whole = parse(new ProcNetParser(order), protocol, new ByteArrayInputStream(table));
        Outcome chunked = parse(new ProcNetParser(order, 16, 1 << 16), protocol, new ShortReads(table, chunk));
        assertEquals(whole, chunked, "the same table read in " + chunk + "-byte reads into a growing buffer");

        Outcome limited = parse(new ProcNetParser(order, 16, 64), protocol, new ShortReads(table, chunk));
        if (!limited.equals(whole) && !(limited.message != null && TOO_LONG.matcher(limited.message).matches())) {
            fail("with a 64-byte line limit: expecting " + whole + " or the line-limit message, found " + limited);
        }
    }

    /** The rows parsed, or the message of the bad line. */
    private record Outcome(List<SocketEntry> rows, String message) {
    }

    private static Outcome parse(ProcNetParser parser, Protocol protocol, InputStream in) throws IOException {
        SocketRows rows = new SocketRows(4);
        try {
            parser.parse(protocol, in, rows);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() != null && LINE_MESSAGE.matcher(e.getMessage()).matches(),
                    () -> "a malformed table is reported as \"line N: ...\", found: " + e.getMessage());
            return new Outcome(null, e.getMessage());
        }
        List<SocketEntry> entries = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            SocketEntry entry = rows.entry(i, SocketEntry.UNKNOWN_PID);
            assertEquals(protocol, entry.protocol());
            entries.add(entry);
        }
        return new Outcome(entries, null);
    }

    /** A stream that returns at most {@code chunk} bytes a read, as a pipe or a slow file system may. */
    private static final class ShortReads extends InputStream {
        private final byte[] data;
        private final int chunk;
        private int pos;

        ShortReads(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
