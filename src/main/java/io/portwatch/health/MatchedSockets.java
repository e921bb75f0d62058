package io.portwatch.health;

import io.portwatch.scan.SocketEntry;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The sockets a row matched, as a read-only view over the evaluation's groups rather than a copy: a
 * row that matches 50,000 connections should not copy them on every scan. The groups are never
 * changed once the evaluation has built them, so the view is as immutable as a copy.
 */
final class MatchedSockets extends AbstractList<SocketEntry> implements RandomAccess {

    private final SocketEntry[] sockets;
    private final int[][] positions;
    private final int[] froms;
    /** {@code ends[g]} is the index just past group g. */
    private final int[] ends;

    /**
     * Keeps only what the view needs: the socket array and each group's positions, not the groups'
     * tallies or the evaluation's other columns, which go with the evaluation.
     */
    private MatchedSockets(List<SocketGroup> groups) {
        this.sockets = groups.isEmpty() ? new SocketEntry[0] : groups.get(0).columns().sockets();
        this.positions = new int[groups.size()][];
        this.froms = new int[groups.size()];
        this.ends = new int[groups.size()];
        int n = 0;
        for (int g = 0; g < groups.size(); g++) {
            SocketGroup group = groups.get(g);
            positions[g] = group.positions();
            froms[g] = group.from();
            n += group.size();
            ends[g] = n;
        }
    }

    /** The groups' sockets one after another (groups of one evaluation). */
    static List<SocketEntry> of(List<SocketGroup> groups) {
        return new MatchedSockets(groups);
    }

    @Override
    public SocketEntry get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("index " + index + ", size " + size());
        }
        int g = 0;
        while (index >= ends[g]) {
            g++;
        }
        return sockets[positions[g][froms[g] + index - (g == 0 ? 0 : ends[g - 1])]];
    }

    @Override
    public int size() {
        return ends.length == 0 ? 0 : ends[ends.length - 1];
    }
}
