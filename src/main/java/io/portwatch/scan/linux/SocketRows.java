package io.portwatch.scan.linux;

import io.portwatch.scan.NetNamespace;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.TcpQuality;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * The parsed lines of the socket tables, column by column in primitive arrays, before their owners are
 * known. A scan fills one, finds the owners of its inodes, then makes each {@link SocketEntry} once,
 * with its pid: no entry is made twice and no line becomes a {@code String}.
 */
final class SocketRows {

    private int size;
    private Protocol[] protocols;
    private InetAddress[] localAddresses;
    private InetAddress[] remoteAddresses;
    /** {@code localPort << 16 | remotePort}. */
    private int[] ports;
    private byte[] stateCodes;
    private int[] uids;
    private long[] inodes;
    /** Recv-Q and Send-Q as {@link SocketEntry} has them, {@link SocketEntry#UNKNOWN_QUEUE} when unknown. */
    private int[] receiveQueues;
    private int[] sendQueues;
    private NetNamespace[] namespaces;
    /** What the kernel measures of a TCP connection (netlink only); null when unknown. */
    private TcpQuality[] qualities;
    /** The namespace of the rows added from now on. */
    private NetNamespace namespace = NetNamespace.OWN;

    SocketRows(int expected) {
        int capacity = Math.max(16, expected);
        protocols = new Protocol[capacity];
        localAddresses = new InetAddress[capacity];
        remoteAddresses = new InetAddress[capacity];
        ports = new int[capacity];
        stateCodes = new byte[capacity];
        uids = new int[capacity];
        inodes = new long[capacity];
        receiveQueues = new int[capacity];
        sendQueues = new int[capacity];
        namespaces = new NetNamespace[capacity];
        qualities = new TcpQuality[capacity];
    }

    /** The rows added from now on are sockets of {@code ns}. */
    void namespace(NetNamespace ns) {
        namespace = ns;
    }

    /** Drops the rows from {@code newSize} on (a table that could not be read to its end). */
    void truncate(int newSize) {
        if (newSize < size) {
            Arrays.fill(localAddresses, newSize, size, null);
            Arrays.fill(remoteAddresses, newSize, size, null);
            Arrays.fill(qualities, newSize, size, null);
            size = newSize;
        }
    }

    void add(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort,
             int stateCode, int uid, long inode) {
        add(protocol, localAddress, localPort, remoteAddress, remotePort, stateCode, uid, inode,
                SocketEntry.UNKNOWN_QUEUE, SocketEntry.UNKNOWN_QUEUE);
    }

    void add(Protocol protocol, InetAddress localAddress, int localPort, InetAddress remoteAddress, int remotePort,
             int stateCode, int uid, long inode, int receiveQueue, int sendQueue) {
        if (size == inodes.length) {
            grow();
        }
        protocols[size] = protocol;
        localAddresses[size] = localAddress;
        remoteAddresses[size] = remoteAddress;
        ports[size] = localPort << 16 | remotePort;
        stateCodes[size] = (byte) stateCode;
        uids[size] = uid;
        inodes[size] = inode;
        receiveQueues[size] = receiveQueue;
        sendQueues[size] = sendQueue;
        namespaces[size] = namespace;
        size++;
    }

    /** Appends every row of {@code other}, each with its own namespace. */
    void addAll(SocketRows other) {
        while (size + other.size > inodes.length) {
            grow();
        }
        int n = other.size;
        System.arraycopy(other.protocols, 0, protocols, size, n);
        System.arraycopy(other.localAddresses, 0, localAddresses, size, n);
        System.arraycopy(other.remoteAddresses, 0, remoteAddresses, size, n);
        System.arraycopy(other.ports, 0, ports, size, n);
        System.arraycopy(other.stateCodes, 0, stateCodes, size, n);
        System.arraycopy(other.uids, 0, uids, size, n);
        System.arraycopy(other.inodes, 0, inodes, size, n);
        System.arraycopy(other.receiveQueues, 0, receiveQueues, size, n);
        System.arraycopy(other.sendQueues, 0, sendQueues, size, n);
        System.arraycopy(other.namespaces, 0, namespaces, size, n);
        System.arraycopy(other.qualities, 0, qualities, size, n);
        size += n;
    }

    int size() {
        return size;
    }

    long inode(int row) {
        return inodes[row];
    }

    /** True for a TCP LISTEN row. */
    boolean isTcpListener(int row) {
        return protocols[row] == Protocol.TCP && (stateCodes[row] & 0xFF) == ProcNetParser.TCP_LISTEN;
    }

    /** True for a TCP ESTABLISHED row. */
    boolean isTcpEstablished(int row) {
        return protocols[row] == Protocol.TCP && (stateCodes[row] & 0xFF) == ProcNetParser.TCP_ESTABLISHED;
    }

    /** Sets what the kernel measures of a row's connection. */
    void quality(int row, TcpQuality quality) {
        qualities[row] = quality;
    }

    /** Sets a row's send queue (a listener's backlog, which the socket table does not tell). */
    void sendQueue(int row, int sendQueue) {
        sendQueues[row] = sendQueue;
    }

    int sendQueue(int row) {
        return sendQueues[row];
    }

    /** The socket of one row, owned by {@code pid}. */
    SocketEntry entry(int row, int pid) {
        Protocol protocol = protocols[row];
        return new SocketEntry(protocol, localAddresses[row], ports[row] >>> 16, remoteAddresses[row],
                ports[row] & 0xFFFF, SocketState.fromLinuxCode(protocol, stateCodes[row] & 0xFF), inodes[row], uids[row],
                pid, receiveQueues[row], sendQueues[row], namespaces[row], qualities[row]);
    }

    private void grow() {
        int capacity = inodes.length * 2;
        protocols = Arrays.copyOf(protocols, capacity);
        localAddresses = Arrays.copyOf(localAddresses, capacity);
        remoteAddresses = Arrays.copyOf(remoteAddresses, capacity);
        ports = Arrays.copyOf(ports, capacity);
        stateCodes = Arrays.copyOf(stateCodes, capacity);
        uids = Arrays.copyOf(uids, capacity);
        inodes = Arrays.copyOf(inodes, capacity);
        receiveQueues = Arrays.copyOf(receiveQueues, capacity);
        sendQueues = Arrays.copyOf(sendQueues, capacity);
        namespaces = Arrays.copyOf(namespaces, capacity);
        qualities = Arrays.copyOf(qualities, capacity);
    }
}
