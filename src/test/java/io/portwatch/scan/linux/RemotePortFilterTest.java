package io.portwatch.scan.linux;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The program is judged by a transcription of the kernel's own audit ({@code inet_diag_bc_audit}: every "true" step
 * at least one op long and within the program, their walk ending exactly at its end, every "false" target on that
 * walk or 4 bytes past the end) and its run ({@code inet_diag_bc_run}: the end accepts, past it rejects). The kernel
 * itself runs the program in the netlink equality test.
 */
class RemotePortFilterTest {

    @Test
    void letsThroughExactlyThePortsOfItsRanges() {
        RemotePortFilter filter = RemotePortFilter.of(List.of(new int[] {5432, 5432}, new int[] {8000, 8010}));
        byte[] program = program(filter);
        assertAudited(program);
        for (int port : new int[] {0, 1, 5431, 5433, 7999, 8011, 65535}) {
            assertEquals(false, run(program, port), "port " + port);
        }
        for (int port : new int[] {5432, 8000, 8005, 8010}) {
            assertEquals(true, run(program, port), "port " + port);
        }
    }

    @Test
    void randomRangeSetsAreAuditedAndRunAsTheirRanges() {
        Random random = new Random(22);
        for (int round = 0; round < 200; round++) {
            List<int[]> ranges = new ArrayList<>();
            int n = 1 + random.nextInt(round < 190 ? 40 : 3000);
            for (int i = 0; i < n; i++) {
                int lo = 1 + random.nextInt(65535);
                int hi = Math.min(65535, lo + (random.nextBoolean() ? 0 : random.nextInt(50)));
                ranges.add(new int[] {lo, hi});
            }
            RemotePortFilter filter = RemotePortFilter.of(ranges);
            byte[] program = program(filter);
            assertAudited(program);
            assertTrue(program.length <= 0xFFFF - 4, "program of " + program.length + " bytes");
            for (int probe = 0; probe < 200; probe++) {
                int port = random.nextInt(65536);
                boolean inSome = ranges.stream().anyMatch(r -> port >= r[0] && port <= r[1]);
                assertEquals(filter.accepts(port), run(program, port), "port " + port + " round " + round);
                if (inSome) {
                    assertTrue(filter.accepts(port), "a port of a range is let through: " + port);
                } else if (filter.ranges() > 1) { // not joined into one wider range: exactly the ranges
                    assertEquals(false, filter.accepts(port), "port " + port);
                }
            }
        }
    }

    @Test
    void theWholePortRangeAndItsEdgesWork() {
        byte[] program = program(RemotePortFilter.of(List.of(new int[] {1, 65535})));
        assertAudited(program);
        assertEquals(false, run(program, 0)); // a listener or an unconnected socket
        assertEquals(true, run(program, 1));
        assertEquals(true, run(program, 65535));
    }

    @Test
    void overlappingAndAdjacentRangesAreMerged() {
        assertEquals(1, RemotePortFilter.of(List.of(new int[] {10, 20}, new int[] {21, 30}, new int[] {15, 25})).ranges());
        assertEquals(2, RemotePortFilter.of(List.of(new int[] {10, 20}, new int[] {22, 30})).ranges());
    }

    @Test
    void tooManyRangesBecomeOneWiderRange() {
        List<int[]> ranges = new ArrayList<>();
        for (int port = 2; port < 2 + 2 * (RemotePortFilter.MAX_RANGES + 1); port += 2) {
            ranges.add(new int[] {port, port});
        }
        RemotePortFilter filter = RemotePortFilter.of(ranges);
        assertEquals(1, filter.ranges());
        assertTrue(filter.accepts(2) && filter.accepts(3) && filter.accepts(2 * RemotePortFilter.MAX_RANGES + 2));
    }

    @Test
    void badRangesNameTheRange() {
        assertThrows(IllegalArgumentException.class, () -> RemotePortFilter.of(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RemotePortFilter.of(List.of(new int[] {0, 5})));
        assertTrue(e.getMessage().contains("[0, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RemotePortFilter.of(List.of(new int[] {9, 8})));
        assertThrows(IllegalArgumentException.class, () -> RemotePortFilter.of(List.of(new int[] {1, 65536})));
    }

    private static byte[] program(RemotePortFilter filter) {
        ByteBuffer out = ByteBuffer.allocate(filter.length());
        filter.writeTo(out);
        assertEquals(filter.length(), out.position());
        return out.array();
    }

    private static int code(byte[] p, int at) {
        return p[at] & 0xFF;
    }

    private static int yes(byte[] p, int at) {
        return p[at + 1] & 0xFF;
    }

    private static int no(byte[] p, int at) {
        return ByteBuffer.wrap(p, at + 2, 2).order(ByteOrder.nativeOrder()).getShort() & 0xFFFF;
    }

    /** inet_diag_bc_audit, for the ops this filter uses (JMP 1, D_GE 4, D_LE 5). */
    private static void assertAudited(byte[] p) {
        int len = p.length;
        int at = 0;
        while (len > 0) {
            int code = code(p, at);
            int minLength = 4;
            assertTrue(code == 1 || code == 4 || code == 5, "op " + code + " at " + at);
            if (code == 4 || code == 5) {
                minLength += 4;
                assertTrue(len >= minLength, "a port comparison cut at " + at);
            }
            int no = no(p, at);
            assertTrue(no >= minLength && no <= len + 4 && (no & 3) == 0, "no " + no + " at " + at);
            if (no < len) {
                assertTrue(onTrueWalk(p, p.length - (len - no)), "no target " + (at + no) + " off the walk");
            }
            int yes = yes(p, at);
            assertTrue(yes >= minLength && yes <= len + 4 && (yes & 3) == 0, "yes " + yes + " at " + at);
            at += yes;
            len -= yes;
        }
        assertEquals(0, len, "the walk of the true steps ends past the program");
    }

    private static boolean onTrueWalk(byte[] p, int target) {
        int at = 0;
        while (at < target) {
            at += yes(p, at);
        }
        return at == target;
    }

    /** inet_diag_bc_run for a socket with this remote port. */
    private static boolean run(byte[] p, int remotePort) {
        int len = p.length;
        int at = 0;
        while (len > 0) {
            boolean yes = switch (code(p, at)) {
                case 1 -> false;
                case 4 -> remotePort >= no(p, at + 4);
                case 5 -> remotePort <= no(p, at + 4);
                default -> throw new AssertionError("op " + code(p, at));
            };
            int step = yes ? yes(p, at) : no(p, at);
            at += step;
            len -= step;
        }
        return len == 0;
    }
}
