package io.portwatch.health;

import io.portwatch.scan.SocketEntry;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * The fields of the TCP connections that evaluation looks at, copied into plain arrays in one
 * sequential pass over the snapshot, so that grouping them later reads arrays instead of chasing one
 * socket object per connection.
 */
final class ConnectionColumns {

    private SocketEntry[] sockets;
    private InetAddress[] remoteAddress;
    private int[] remotePort;
    private int[] localPort;
    private int[] pid;
    private byte[] state;
    private int size;
    /** Whether some connection carries its connection quality (only the netlink reader measures it). */
    private boolean anyQuality;

    /** Room for {@code capacity} connections before the arrays grow. */
    ConnectionColumns(int capacity) {
        int n = Math.max(16, capacity);
        sockets = new SocketEntry[n];
        remoteAddress = new InetAddress[n];
        remotePort = new int[n];
        localPort = new int[n];
        pid = new int[n];
        state = new byte[n];
    }

    void add(SocketEntry s) {
        if (size == sockets.length) {
            int n = size * 2;
            sockets = Arrays.copyOf(sockets, n);
            remoteAddress = Arrays.copyOf(remoteAddress, n);
            remotePort = Arrays.copyOf(remotePort, n);
            localPort = Arrays.copyOf(localPort, n);
            pid = Arrays.copyOf(pid, n);
            state = Arrays.copyOf(state, n);
        }
        sockets[size] = s;
        remoteAddress[size] = s.remoteAddress();
        remotePort[size] = s.remotePort();
        localPort[size] = s.localPort();
        pid[size] = s.pid();
        state[size] = (byte) s.state().ordinal();
        anyQuality |= s.quality() != null;
        size++;
    }

    int size() {
        return size;
    }

    /** False when no connection carries its quality: then a row has no quality figure to walk its sockets for. */
    boolean anyQuality() {
        return anyQuality;
    }

    /** The sockets, indexed like the connections (not a copy: read only). */
    SocketEntry[] sockets() {
        return sockets;
    }

    InetAddress remoteAddress(int i) {
        return remoteAddress[i];
    }

    int remotePort(int i) {
        return remotePort[i];
    }

    int localPort(int i) {
        return localPort[i];
    }

    int pid(int i) {
        return pid[i];
    }

    int state(int i) {
        return state[i];
    }

    /** Remote ports, indexed like the connections (not a copy: read only). */
    int[] remotePorts() {
        return remotePort;
    }

    /** Local ports, indexed like the connections (not a copy: read only). */
    int[] localPorts() {
        return localPort;
    }
}
