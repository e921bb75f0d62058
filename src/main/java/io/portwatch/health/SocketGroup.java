package io.portwatch.health;

import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.util.Arrays;
import java.util.Collection;

/**
 * Connections (positions in {@link ConnectionColumns}) that share a port range and, optionally, a
 * remote address, tallied by owner pid and state as they are added, so that every row asking for
 * them adds up a few tallies instead of walking the sockets.
 */
final class SocketGroup {

    private static final int CLOSE_WAIT = SocketState.CLOSE_WAIT.ordinal();

    private final ConnectionColumns columns;
    private int[] positions;
    private final int from;
    private int to;
    private final PidTallies byPid = new PidTallies(SocketState.values().length);
    private boolean closeWait;

    private SocketGroup(ConnectionColumns columns, int[] positions, int from, int to) {
        this.columns = columns;
        this.positions = positions;
        this.from = from;
        this.to = to;
    }

    /**
     * The group of {@code positions[from .. to)}, an array nobody changes, made of {@code parts} that
     * hold those same connections between them: their tallies are added up, not counted again.
     */
    static SocketGroup union(ConnectionColumns columns, int[] positions, int from, int to, Collection<SocketGroup> parts) {
        SocketGroup union = new SocketGroup(columns, positions, from, to);
        for (SocketGroup part : parts) {
            union.byPid.addAll(part.byPid);
            union.closeWait |= part.closeWait;
        }
        return union;
    }

    /** An empty group; {@link #append} adds to it. */
    static SocketGroup empty(ConnectionColumns columns) {
        return new SocketGroup(columns, new int[4], 0, 0);
    }

    private void count(int position) {
        int state = columns.state(position);
        byPid.add(columns.pid(position), state, 1);
        closeWait |= state == CLOSE_WAIT;
    }

    /** Adds the connection at {@code position} and tallies it. */
    void append(int position) {
        if (to == positions.length) {
            positions = Arrays.copyOf(positions, to * 2);
        }
        positions[to++] = position;
        count(position);
    }

    int size() {
        return to - from;
    }

    /** The column position of the group's k-th connection. */
    int position(int k) {
        return positions[from + k];
    }

    ConnectionColumns columns() {
        return columns;
    }

    /** The array holding the group's positions, from {@link #from()} on (read only). */
    int[] positions() {
        return positions;
    }

    int from() {
        return from;
    }

    /** Counts by owner pid ({@link SocketEntry#UNKNOWN_PID} included) and state ordinal. */
    PidTallies byPid() {
        return byPid;
    }

    /** True when any connection of the group, whoever owns it, is CLOSE_WAIT. */
    boolean hasCloseWait() {
        return closeWait;
    }
}
