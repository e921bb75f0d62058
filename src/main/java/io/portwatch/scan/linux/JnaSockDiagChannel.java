package io.portwatch.scan.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.portwatch.scan.SocketSources;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A {@code NETLINK_SOCK_DIAG} socket through JNA, using only what every JNA 5.x has ({@code Native.load},
 * {@link com.sun.jna.Library} methods that throw {@link LastErrorException}, {@link Native#malloc}): the agent may run on an
 * application's own, older JNA. {@code socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)}; each
 * {@code recv} is bounded by {@code SO_RCVTIMEO}, set to the time left before the deadline (again whenever it is
 * more than {@value #TIMEOUT_SLACK_MILLIS} ms too long), so that no receive blocks past it; {@code recv} with
 * {@code MSG_TRUNC} returns a datagram's whole length, so one longer than the buffer is seen, never cut silently.
 * The receive buffer (64 KiB, more than the 32 KiB the kernel puts in one dump datagram) is allocated once.
 *
 * <p>{@code recv}, called once per datagram (about 800 times for 200k sockets), the {@code setsockopt} that
 * moves the timeout along and the {@code sendto} of each request are bound by JNA's direct mapping ({@code Native.register}, in every 5.x), which allocates
 * nothing per call, where the {@link LinuxLibC} proxy boxes its arguments and result (about 110 bytes a call); when
 * that binding fails, the proxy's functions are used.
 */
final class JnaSockDiagChannel implements SockDiagChannel {

    /** What this channel needs of JNA: {@code Native.load} came with 5.0.0. */
    static final String MIN_JNA = "5.0.0";
    static final int BUFFER_BYTES = 64 * 1024;
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_TRUNC = 0x20;
    /** {@code sizeof(struct sockaddr_nl)}: family, pad, pid, groups. */
    private static final int SOCKADDR_NL_LENGTH = 12;
    /** {@code sizeof(struct timeval)} on LP64. */
    private static final int TIMEVAL_LENGTH = 16;
    private static final long TIMEOUT_SLACK_MILLIS = 20;
    private static final long TIMEOUT_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(TIMEOUT_SLACK_MILLIS);

    /** Whether {@link Direct} is bound: null until tried, once per class loader. */
    private static Boolean directBound;

    private final LinuxLibC libc;
    private final boolean direct;
    private final int fd;
    /*
     * Native memory from Native.malloc, freed by close: JNA's Memory would be freed by JNA's cleaner thread, a thread
     * of the host JVM's that is not portwatch's (JNA 5.12 and later start it with the first Memory).
     */
    private final Pointer request = allocate(SockDiagRequest.MAX_LENGTH);
    private final Pointer kernel = allocate(SOCKADDR_NL_LENGTH);
    private final Pointer timeval = allocate(TIMEVAL_LENGTH);
    private Pointer memory;
    private long memorySize;
    private ByteBuffer buffer;
    /** The receive timeout set on the socket, in nanoseconds; -1 while none is set. */
    private long timeoutSet = -1;
    private boolean closed;

    private JnaSockDiagChannel(LinuxLibC libc, int fd) {
        this.libc = libc;
        this.direct = bindDirect();
        this.fd = fd;
        kernel.clear(SOCKADDR_NL_LENGTH);
        kernel.setShort(0, (short) AF_NETLINK); // nl_pid 0: the kernel
        grow(BUFFER_BYTES);
    }

    /**
     * Loads JNA and opens the socket.
     *
     * @throws NetlinkTables.UnavailableException "JNA cannot load: …", "socket(AF_NETLINK, NETLINK_SOCK_DIAG): EPERM
     *                                            (errno 1)"
     */
    static JnaSockDiagChannel open() throws NetlinkTables.UnavailableException {
        LinuxLibC libc;
        try {
            SocketSources.requireJna("the netlink reader", MIN_JNA);
            if (Native.POINTER_SIZE != 8) {
                throw new NetlinkTables.UnavailableException("the netlink reader needs a 64-bit JVM, this one has "
                        + Native.POINTER_SIZE + "-byte pointers", null);
            }
            libc = LibCLoader.load();
        } catch (SocketSources.UnsupportedPlatformException e) {
            throw new NetlinkTables.UnavailableException(e.getMessage(), e);
        } catch (LinkageError | RuntimeException e) {
            throw new NetlinkTables.UnavailableException("JNA cannot load: " + e, e);
        }
        int fd;
        try {
            fd = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, SockDiagRequest.NETLINK_SOCK_DIAG);
        } catch (LastErrorException e) {
            throw new NetlinkTables.UnavailableException("socket(AF_NETLINK, NETLINK_SOCK_DIAG): "
                    + Errno.describe(e.getErrorCode()), e);
        } catch (LinkageError | RuntimeException e) {
            throw new NetlinkTables.UnavailableException("JNA cannot call socket(): " + e, e);
        }
        try {
            return new JnaSockDiagChannel(libc, fd);
        } catch (LinkageError | RuntimeException e) {
            closeQuietly(libc, fd);
            throw new NetlinkTables.UnavailableException("JNA cannot allocate native memory: " + e, e);
        }
    }

    @Override
    public void send(ByteBuffer message) throws IOException {
        requireOpen();
        int length = message.remaining();
        if (length > SockDiagRequest.MAX_LENGTH) {
            throw new IllegalArgumentException("a request of " + length + " bytes, at most " + SockDiagRequest.MAX_LENGTH);
        }
        if (message.hasArray()) {
            request.write(0, message.array(), message.arrayOffset() + message.position(), length);
        } else {
            for (int i = 0; i < length; i++) {
                request.setByte(i, message.get(message.position() + i));
            }
        }
        while (true) {
            try {
                long sent = direct ? Direct.sendto(fd, request, length, 0, kernel, SOCKADDR_NL_LENGTH)
                        : libc.sendto(fd, request, length, 0, kernel, SOCKADDR_NL_LENGTH);
                if (sent != length) {
                    throw new IOException("send to the sock_diag socket: " + sent + " of " + length + " bytes sent");
                }
                return;
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw new IOException("send to the sock_diag socket: " + Errno.describe(e.getErrorCode()), e);
                }
            }
        }
    }

    @Override
    public int receive(long deadlineNanos) throws IOException {
        requireOpen();
        while (true) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                return -1;
            }
            if (timeoutSet < 0 || Math.abs(timeoutSet - remaining) > TIMEOUT_SLACK_NANOS) {
                receiveTimeout(remaining);
            }
            long n;
            try {
                n = direct ? Direct.recv(fd, memory, memorySize, MSG_TRUNC)
                        : libc.recv(fd, memory, memorySize, MSG_TRUNC);
            } catch (LastErrorException e) {
                int errno = e.getErrorCode();
                if (errno == Errno.EINTR || errno == Errno.EAGAIN) {
                    continue; // interrupted, or the timeout: the deadline is checked again
                }
                throw new IOException("recv from the sock_diag socket: " + Errno.describe(errno), e);
            }
            return (int) Math.min(n, Integer.MAX_VALUE);
        }
    }

    private void receiveTimeout(long nanos) throws IOException {
        long micros = Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos)); // 0 would mean "block for ever"
        timeval.setLong(0, micros / 1_000_000);
        timeval.setLong(8, micros % 1_000_000);
        try {
            if (direct) {
                Direct.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, TIMEVAL_LENGTH);
            } else {
                libc.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, TIMEVAL_LENGTH);
            }
        } catch (LastErrorException e) {
            throw new IOException("setsockopt(SO_RCVTIMEO) of the sock_diag socket: " + Errno.describe(e.getErrorCode()),
                    e);
        }
        timeoutSet = nanos;
    }

    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    @Override
    public void grow(int capacity) {
        if (closed) {
            throw new IllegalStateException("the sock_diag socket is closed");
        }
        Pointer old = memory;
        memory = allocate(capacity);
        memorySize = capacity;
        buffer = memory.getByteBuffer(0, capacity);
        free(old);
    }

    /** Closes the socket and frees the native memory: the buffer is not to be read after this. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeQuietly(libc, fd);
            buffer = null;
            free(memory);
            free(request);
            free(kernel);
            free(timeval);
            memory = null;
        }
    }

    /** Its native memory is freed once closed: a call after that is an error, never a write to freed memory. */
    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("the sock_diag socket is closed");
        }
    }

    private static Pointer allocate(long size) {
        long peer = Native.malloc(size);
        if (peer == 0) {
            throw new OutOfMemoryError("malloc(" + size + ") for the sock_diag socket");
        }
        return new Pointer(peer);
    }

    private static void free(Pointer p) {
        if (p != null) {
            Native.free(Pointer.nativeValue(p));
        }
    }

    /** Binds {@link Direct} to libc the first time; false (the proxy's functions then) when that fails. */
    private static synchronized boolean bindDirect() {
        if (directBound == null) {
            try {
                Native.register(Direct.class, "c"); // NativeLibrary is initialized: LibCLoader.load() ran first
                directBound = Boolean.TRUE;
            } catch (LinkageError | RuntimeException e) {
                directBound = Boolean.FALSE;
            }
        }
        return directBound;
    }

    /**
     * The calls of every request and datagram by JNA's direct mapping: no allocation per call. LP64: {@code size_t} and
     * {@code ssize_t} are long.
     */
    private static final class Direct {
        private Direct() {
        }

        static native long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

        static native int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

        static native long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength)
                throws LastErrorException;
    }

    private static void closeQuietly(LinuxLibC libc, int fd) {
        try {
            libc.close(fd);
        } catch (LinkageError | RuntimeException e) {
            // EINTR or EIO on close: the descriptor is released on Linux whatever close says
        }
    }
}
