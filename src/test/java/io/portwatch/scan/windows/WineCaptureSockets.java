package io.portwatch.scan.windows;

import io.portwatch.testing.Poll;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The program {@link WineCaptureTest} runs in a network namespace of its own (loopback up, {@code fe80::1} added to
 * it): opens known sockets, runs {@code mib_dump.exe} under wine to write the IP Helper tables, copies this
 * namespace's {@code /proc/net/{tcp,tcp6,udp,udp6}} and exits, which closes every socket. Only JDK classes, so that
 * it runs from {@code target/test-classes} alone.
 *
 * <p>Arguments: output directory, wine, wineserver, mib_dump.exe, the output directory as wine names it.
 * The sockets: TCP listeners on 127.0.0.1, ::1, fe80::1 and the dual-stack {@code ::}; an established connection
 * on 127.0.0.1 and on ::1; an IPv4-mapped one (an IPv6 socket connected to 127.0.0.1); a TIME_WAIT on 127.0.0.1;
 * UDP sockets bound to 127.0.0.1, ::1 and fe80::1.
 */
final class WineCaptureSockets {

    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(20);

    private WineCaptureSockets() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            throw new IllegalArgumentException("usage: OUT_DIR WINE WINESERVER MIB_DUMP_EXE OUT_DIR_FOR_WINE");
        }
        Path out = Path.of(args[0]);
        List<Closeable> open = new ArrayList<>();
        try {
            InetAddress lo4 = InetAddress.getByName("127.0.0.1");
            InetAddress lo6 = InetAddress.getByName("::1");
            NetworkInterface lo = NetworkInterface.getByName("lo");
            InetAddress linkLocal = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), lo);

            ServerSocketChannel listen4 = keep(open, ServerSocketChannel.open(StandardProtocolFamily.INET));
            listen4.bind(new InetSocketAddress(lo4, 0));
            ServerSocketChannel listen6 = keep(open, ServerSocketChannel.open(StandardProtocolFamily.INET6));
            listen6.bind(new InetSocketAddress(lo6, 0));
            keep(open, ServerSocketChannel.open(StandardProtocolFamily.INET6)).bind(new InetSocketAddress(linkLocal, 0));
            keep(open, ServerSocketChannel.open(StandardProtocolFamily.INET6))
                    .bind(new InetSocketAddress(InetAddress.getByName("::"), 0)); // dual-stack

            connect(open, StandardProtocolFamily.INET, listen4);
            connect(open, StandardProtocolFamily.INET6, listen6);
            connect(open, StandardProtocolFamily.INET6, listen4); // IPv4-mapped: ::ffff:127.0.0.1 in tcp6

            // TIME_WAIT: the side that closes first keeps it once the other side has closed too
            SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
            client.connect(listen4.getLocalAddress());
            SocketChannel server = listen4.accept();
            client.close();
            while (server.read(ByteBuffer.allocate(16)) >= 0) {
                continue; // until the client's FIN
            }
            server.close();

            keep(open, DatagramChannel.open(StandardProtocolFamily.INET)).bind(new InetSocketAddress(lo4, 0));
            keep(open, DatagramChannel.open(StandardProtocolFamily.INET6)).bind(new InetSocketAddress(lo6, 0));
            keep(open, DatagramChannel.open(StandardProtocolFamily.INET6)).bind(new InetSocketAddress(linkLocal, 0));

            awaitSettled();
            run(args[2], "-w"); // a wineserver left from before (another namespace) must not serve this capture
            run(args[1], args[3], args[4]);
            Path net = Files.createDirectories(out.resolve("proc").resolve("net"));
            for (String table : new String[] {"tcp", "tcp6", "udp", "udp6"}) {
                Files.copy(Path.of("/proc/net", table), net.resolve(table));
            }
            run(args[2], "-w"); // wine's services exit before this namespace goes away
        } finally {
            for (Closeable c : open) {
                c.close();
            }
        }
    }

    private static <T extends Closeable> T keep(List<Closeable> open, T c) {
        open.add(c);
        return c;
    }

    private static void connect(List<Closeable> open, StandardProtocolFamily family, ServerSocketChannel listener)
            throws IOException {
        keep(open, SocketChannel.open(family)).connect(listener.getLocalAddress());
        keep(open, listener.accept());
    }

    /**
     * Polls {@code /proc/net/tcp} until the TIME_WAIT is there and no socket is between states (FIN_WAIT, LAST_ACK,
     * CLOSE_WAIT), so that the tables wine reads and the copies hold the same sockets.
     */
    private static void awaitSettled() throws Exception {
        List<String> states = new ArrayList<>();
        Poll.until(SETTLE_DEADLINE, () -> "sockets did not settle (TIME_WAIT present, none between states): " + states,
                () -> {
                    states.clear();
                    for (String table : new String[] {"tcp", "tcp6"}) {
                        List<String> lines = Files.readAllLines(Path.of("/proc/net", table));
                        for (String line : lines.subList(1, lines.size())) {
                            states.add(line.trim().split("\\s+")[3]);
                        }
                    }
                    return states.contains("06")
                            && states.stream().allMatch(s -> s.equals("01") || s.equals("06") || s.equals("0A"));
                });
    }

    private static void run(String... command) throws IOException, InterruptedException {
        int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + rc);
        }
    }
}
