package io.portwatch.history;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns successive snapshots into {@link SocketEvent}s. It keeps only the previous snapshot's sockets
 * (by identity) and owners, so its memory is one snapshot whatever the number of events.
 *
 * <p>A socket's identity is its network namespace, protocol, local address and port, remote address and port,
 * and its inode where the OS gives one. Two sightings of the same address tuple where one has no inode (a
 * socket in TIME_WAIT belongs to no process and has inode 0) are the same socket changing state; two
 * different non-zero inodes on the same tuple are one socket closing and another opening (reuse, or
 * SO_REUSEPORT listeners). A state change whose new sighting has no owner keeps the owner of the
 * previous sighting (the kernel orphans a connection in TIME_WAIT; it was still that process's
 * connection). A change of owner alone is not an event.
 *
 * <p>The first snapshot gives no events: it is the baseline. Not thread-safe.
 */
public final class ChangeTracker {

    /**
     * Order of events within one scan: by addresses, as {@code connections} lists them; on the same
     * addresses what ended comes before what began.
     */
    static final Comparator<SocketEvent> ORDER = Comparator.<SocketEvent, Protocol>comparing(e -> e.socket().protocol())
            .thenComparingInt(e -> e.socket().localPort())
            .thenComparing(e -> Addresses.format(e.socket().localAddress()))
            .thenComparingInt(e -> e.socket().remotePort())
            .thenComparing(e -> Addresses.format(e.socket().remoteAddress()))
            .thenComparingInt(e -> phase(e.type()))
            .thenComparingLong(e -> e.socket().inode());

    private static int phase(EventType type) {
        switch (type) {
            case CLOSE: case UNLISTEN: return 0;
            case STATE: return 1;
            default: return 2;
        }
    }

    private Map<Key, SocketEntry> previous;
    private Map<Integer, ProcessInfo> previousOwners = Map.of();

    /**
     * Address tuple of a socket, without the inode, in its network namespace: two containers may each hold a
     * TIME_WAIT (no inode) between the same addresses, and they are two sockets.
     */
    private record Tuple(long netns, Protocol protocol, InetAddress local, int localPort, InetAddress remote,
                         int remotePort) {
        static Tuple of(SocketEntry s) {
            return new Tuple(s.netns().inode(), s.protocol(), s.localAddress(), s.localPort(), s.remoteAddress(),
                    s.remotePort());
        }
    }

    /** Identity of a socket: its tuple and its inode (0 when unknown). */
    private record Key(Tuple tuple, long inode) {
        static Key of(SocketEntry s) {
            return new Key(Tuple.of(s), s.inode());
        }
    }

    /** True once a baseline snapshot has been seen. */
    public boolean hasBaseline() {
        return previous != null;
    }

    /**
     * The changes from the previous snapshot to this one, ordered by socket; empty for the first
     * snapshot (the baseline).
     */
    public List<SocketEvent> next(Snapshot snapshot) {
        Map<Key, SocketEntry> current = new HashMap<>(Math.max(16, snapshot.sockets().size() * 4 / 3 + 1));
        for (SocketEntry s : snapshot.sockets()) {
            current.put(Key.of(s), s);
        }
        Map<Key, SocketEntry> before = previous;
        Map<Integer, ProcessInfo> ownersBefore = previousOwners;
        previous = current;
        previousOwners = snapshot.processes();
        if (before == null) {
            return List.of();
        }

        List<SocketEvent> events = new ArrayList<>();
        List<SocketEntry> appeared = new ArrayList<>();
        for (Map.Entry<Key, SocketEntry> e : current.entrySet()) {
            SocketEntry now = e.getValue();
            SocketEntry then = before.get(e.getKey());
            if (then == null) {
                appeared.add(now);
            } else if (then.state() != now.state()) {
                events.add(stateChange(snapshot, then, now, ownersBefore));
            }
        }
        Map<Tuple, Deque<SocketEntry>> gone = new HashMap<>();
        for (Map.Entry<Key, SocketEntry> e : before.entrySet()) {
            if (!current.containsKey(e.getKey())) {
                gone.computeIfAbsent(e.getKey().tuple(), t -> new ArrayDeque<>(1)).add(e.getValue());
            }
        }
        for (SocketEntry now : appeared) {
            SocketEntry then = takeSameSocket(gone.get(Tuple.of(now)), now);
            if (then == null) {
                events.add(new SocketEvent(snapshot.takenAt(), EventType.isListener(now) ? EventType.LISTEN : EventType.OPEN,
                        now, null, owner(snapshot.processes(), now)));
            } else if (then.state() != now.state()) {
                events.add(stateChange(snapshot, then, now, ownersBefore));
            }
        }
        for (Deque<SocketEntry> left : gone.values()) {
            for (SocketEntry then : left) {
                events.add(new SocketEvent(snapshot.takenAt(), EventType.isListener(then) ? EventType.UNLISTEN : EventType.CLOSE,
                        then, null, owner(ownersBefore, then)));
            }
        }
        events.sort(ORDER);
        return events;
    }

    /** Removes and returns the vanished sighting that is the same socket as {@code now}, or null. */
    private static SocketEntry takeSameSocket(Deque<SocketEntry> candidates, SocketEntry now) {
        if (candidates == null) {
            return null;
        }
        for (Iterator<SocketEntry> it = candidates.iterator(); it.hasNext(); ) {
            SocketEntry then = it.next();
            if (then.inode() == 0 || now.inode() == 0) {
                it.remove();
                return then;
            }
        }
        return null;
    }

    private static SocketEvent stateChange(Snapshot snapshot, SocketEntry then, SocketEntry now,
                                           Map<Integer, ProcessInfo> ownersBefore) {
        if (!now.hasOwner() && then.hasOwner()) {
            return new SocketEvent(snapshot.takenAt(), EventType.STATE, now.withPid(then.pid()), then.state(),
                    owner(ownersBefore, then));
        }
        return new SocketEvent(snapshot.takenAt(), EventType.STATE, now, then.state(), owner(snapshot.processes(), now));
    }

    private static ProcessInfo owner(Map<Integer, ProcessInfo> owners, SocketEntry s) {
        return s.hasOwner() ? owners.get(s.pid()) : null;
    }
}
