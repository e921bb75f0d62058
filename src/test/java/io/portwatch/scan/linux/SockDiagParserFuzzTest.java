package io.portwatch.scan.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.portwatch.fuzz.Fuzzing;
import io.portwatch.scan.SocketEntry;
import org.junit.jupiter.api.AfterAll;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Fuzzes {@link SockDiagParser} with arbitrary datagrams.
 *
 * <p>The parser's contract for bad input: {@link SockDiagParser#parse} returns, every row it added making a
 * {@link SocketEntry} of the dump's protocol, or throws {@link SockDiagException} whose message names the dump
 * ({@code sock_diag dump of tcp/ipv4: ...}). Any other exception, a hang or running out of the small heap is a
 * finding. It also checks that the parser reads nothing past the datagram's length: the same bytes at the start of
 * a larger buffer full of other bytes (as the channel's reused 64 KiB buffer holds them) give the same outcome.
 *
 * <p>Input: byte 0 picks the dump (bits 0-1, {@link SockDiagDump} order) and the byte order (bit 2: big-endian);
 * the rest is one datagram. Seeds: {@code SockDiagParserFuzzTestInputs/parse/}, each one selector byte followed by
 * a datagram captured from a kernel ({@code src/test/resources/netlink/}, see its README).
 */
class SockDiagParserFuzzTest {

    private static final Pattern MESSAGE = Pattern.compile("sock_diag dump of (tcp|udp)/ipv[46]: .+", Pattern.DOTALL);

    private static long inputs;

    @AfterAll
    static void fuzzedWhenAsked() {
        Fuzzing.assertRan(SockDiagParserFuzzTest.class, inputs);
    }

    @FuzzTest(maxDuration = "45s")
    void parse(byte[] input) {
        inputs++;
        if (input.length == 0) {
            return;
        }
        int selector = input[0] & 0xFF;
        SockDiagDump dump = SockDiagDump.values()[selector & 3];
        ByteOrder order = (selector & 4) == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        byte[] datagram = Arrays.copyOfRange(input, 1, input.length);

        Outcome exact = parse(dump, order, ByteBuffer.wrap(datagram), datagram.length);
        ByteBuffer larger = ByteBuffer.allocateDirect(datagram.length + 256);
        while (larger.hasRemaining()) {
            larger.put((byte) 0x5A);
        }
        larger.put(0, datagram);
        assertEquals(exact, parse(dump, order, larger, datagram.length), "the datagram at the start of a larger buffer");
    }

    /** The rows parsed and whether the dump was done, or the message. */
    private record Outcome(List<SocketEntry> rows, boolean done, boolean interrupted, String message) {
    }

    private static Outcome parse(SockDiagDump dump, ByteOrder order, ByteBuffer buffer, int length) {
        SockDiagParser parser = new SockDiagParser(order);
        parser.begin(dump);
        SocketRows rows = new SocketRows(4);
        boolean done;
        try {
            done = parser.parse(buffer, length, rows);
        } catch (SockDiagException e) {
            assertTrue(e.getMessage() != null && MESSAGE.matcher(e.getMessage()).matches()
                            && e.getMessage().startsWith("sock_diag dump of " + dump.label() + ": "),
                    () -> "an error names the dump, found: " + e.getMessage());
            return new Outcome(null, false, false, e.getMessage());
        }
        List<SocketEntry> entries = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            SocketEntry entry = rows.entry(i, SocketEntry.UNKNOWN_PID);
            assertEquals(dump.protocol(), entry.protocol());
            entries.add(entry);
        }
        return new Outcome(entries, done, parser.interrupted(), null);
    }
}
