package io.portwatch.scan.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An {@code INET_DIAG_REQ_BYTECODE} program that lets a sock_diag dump through only sockets whose remote port lies
 * in one of a set of ranges, so that the kernel fills {@code tcp_info} only for the sockets connection rows can
 * match (a dump of every socket with {@code tcp_info} is several times larger).
 *
 * <p>One alternative per merged range, 20 bytes each: {@code D_GE lo} and {@code D_LE hi} (true: go on; false: the
 * next alternative, or past the program's end after the last one, which rejects), then a {@code JMP} to the end,
 * which accepts. Every "true" step is a short forward step (the {@code yes} field is one byte), every far jump uses
 * the 16-bit {@code no}: the kernel audits a program by walking its "true" steps, which must end exactly at its end.
 * Ports are compared in host order, as the kernel does. At most {@value #MAX_RANGES} ranges: beyond that they are
 * joined into one from the lowest to the highest port (a wider filter, never a narrower one), so the program stays
 * far below the attribute's 64 KiB length field.
 */
final class RemotePortFilter {

    static final int MAX_RANGES = 1024;
    private static final int INET_DIAG_BC_JMP = 1;
    private static final int INET_DIAG_BC_D_GE = 4;
    private static final int INET_DIAG_BC_D_LE = 5;
    private static final int ALTERNATIVE_BYTES = 20;
    /** The longest program. */
    static final int MAX_LENGTH = MAX_RANGES * ALTERNATIVE_BYTES;

    private final int[] lows;
    private final int[] highs;

    private RemotePortFilter(int[] lows, int[] highs) {
        this.lows = lows;
        this.highs = highs;
    }

    /**
     * The filter of these ranges ({@code {lo, hi}}, 1–65535, {@code lo <= hi}), overlapping and adjacent ones merged.
     *
     * @throws IllegalArgumentException on an empty list or a range outside 1–65535
     */
    static RemotePortFilter of(List<int[]> ranges) {
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException("a remote port filter needs at least one range");
        }
        int[][] sorted = ranges.toArray(new int[0][]);
        for (int[] r : sorted) {
            if (r.length != 2 || r[0] < 1 || r[1] > 65535 || r[0] > r[1]) {
                throw new IllegalArgumentException("remote port range " + Arrays.toString(r) + " is not within 1-65535");
            }
        }
        Arrays.sort(sorted, (a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] r : sorted) {
            int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged.add(new int[] {r[0], r[1]});
            }
        }
        if (merged.size() > MAX_RANGES) {
            merged = List.of(new int[] {merged.get(0)[0], merged.get(merged.size() - 1)[1]});
        }
        int[] lows = new int[merged.size()];
        int[] highs = new int[merged.size()];
        for (int i = 0; i < lows.length; i++) {
            lows[i] = merged.get(i)[0];
            highs[i] = merged.get(i)[1];
        }
        return new RemotePortFilter(lows, highs);
    }

    /** How many ranges the program tests. */
    int ranges() {
        return lows.length;
    }

    /** Whether the program lets a socket with this remote port through (what the kernel will decide). */
    boolean accepts(int remotePort) {
        for (int i = 0; i < lows.length; i++) {
            if (remotePort >= lows[i] && remotePort <= highs[i]) {
                return true;
            }
        }
        return false;
    }

    /** The program's length in bytes. */
    int length() {
        return lows.length * ALTERNATIVE_BYTES;
    }

    /** Writes the program (without the attribute header) at {@code out}'s position, in host order. */
    void writeTo(ByteBuffer out) {
        ByteOrder order = out.order();
        out.order(ByteOrder.nativeOrder());
        int length = length();
        for (int i = 0; i < lows.length; i++) {
            int at = i * ALTERNATIVE_BYTES;
            boolean last = i == lows.length - 1;
            // "false": the next alternative, or 4 bytes past the end (reject) from the last one
            int geFalse = last ? length - at + 4 : ALTERNATIVE_BYTES;
            int leFalse = last ? length - at - 8 + 4 : ALTERNATIVE_BYTES - 8;
            op(out, INET_DIAG_BC_D_GE, 8, geFalse);
            op(out, 0, 0, lows[i]);
            op(out, INET_DIAG_BC_D_LE, 8, leFalse);
            op(out, 0, 0, highs[i]);
            op(out, INET_DIAG_BC_JMP, 4, length - at - 16); // in range: to the end, accepted
        }
        out.order(order);
    }

    /** One {@code struct inet_diag_bc_op}: {@code u8 code, u8 yes, u16 no}. */
    private static void op(ByteBuffer out, int code, int yes, int no) {
        out.put((byte) code);
        out.put((byte) yes);
        out.putShort((short) no);
    }
}
