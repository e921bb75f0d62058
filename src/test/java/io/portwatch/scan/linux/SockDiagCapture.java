package io.portwatch.scan.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Captures the sock_diag answers {@link SockDiagParserCapturedTest} parses: opens known sockets, dumps the four
 * tables over {@link JnaSockDiagChannel} and writes each datagram as it came, {@code /proc/net/{tcp,tcp6,udp,udp6}}
 * read right after, and what it opened ({@code sockets.properties}). See {@code src/test/resources/netlink/README.md}.
 * Not a test: run by hand, as root, on a quiet host.
 */
public final class SockDiagCapture {

    private SockDiagCapture() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/netlink");
        Files.createDirectories(out);
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        InetAddress v6 = InetAddress.getByName("::1");
        List<NetworkChannel> open = new ArrayList<>();
        Properties sockets = new Properties();
        try {
            // AF_INET listener, backlog 7, one connection waiting in its accept queue, never accepted
            ServerSocketChannel waiting = listen(StandardProtocolFamily.INET, v4, 7, open);
            SocketChannel waitingClient = connect(StandardProtocolFamily.INET, waiting, open);
            sockets.setProperty("tcp4.listener", port(waiting));
            sockets.setProperty("tcp4.waitingClient", port(waitingClient));
            // AF_INET6 listener on ::1; an accepted connection with 5 bytes the server has not read
            ServerSocketChannel server6 = listen(StandardProtocolFamily.INET6, v6, 50, open);
            SocketChannel client6 = connect(StandardProtocolFamily.INET6, server6, open);
            SocketChannel accepted6 = server6.accept();
            open.add(accepted6);
            client6.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}));
            sockets.setProperty("tcp6.listener", port(server6));
            sockets.setProperty("tcp6.client", port(client6));
            // AF_INET6 dual-stack listener bound to 127.0.0.1: ::ffff:127.0.0.1 in the tables, 127.0.0.1 in rows
            ServerSocketChannel mapped = listen(StandardProtocolFamily.INET6, v4, 50, open);
            sockets.setProperty("tcp6.mappedListener", port(mapped));
            // UDP: AF_INET bound with 3 unread bytes, AF_INET6 connected to it... over ::1
            DatagramChannel udp4 = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(v4, 0));
            open.add(udp4);
            DatagramChannel sender = DatagramChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress(v4, 0));
            open.add(sender);
            sender.connect(udp4.getLocalAddress());
            sender.write(ByteBuffer.wrap(new byte[] {7, 8, 9}));
            DatagramChannel udp6 = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(v6, 0));
            open.add(udp6);
            DatagramChannel udp6Connected = DatagramChannel.open(StandardProtocolFamily.INET6)
                    .bind(new InetSocketAddress(v6, 0));
            open.add(udp6Connected);
            udp6Connected.connect(udp6.getLocalAddress());
            sockets.setProperty("udp4.bound", port(udp4));
            sockets.setProperty("udp4.sender", port(sender));
            sockets.setProperty("udp6.bound", port(udp6));
            sockets.setProperty("udp6.connected", port(udp6Connected));
            TimeUnit.MILLISECONDS.sleep(200); // the datagram and the handshakes settle

            try (JnaSockDiagChannel channel = JnaSockDiagChannel.open()) {
                SockDiagRequest requests = new SockDiagRequest(java.nio.ByteOrder.nativeOrder());
                int seq = 1;
                for (SockDiagDump dump : SockDiagDump.values()) {
                    capture(channel, requests.build(dump, seq++), dump, out.resolve(name(dump)));
                }
                // a protocol without a sock_diag handler (IPPROTO_SCTP 132 without sctp_diag): NLMSG_ERROR
                ByteBuffer bad = requests.build(SockDiagDump.UDP_IPV4, seq);
                bad.put(17, (byte) 132);
                capture(channel, bad, SockDiagDump.UDP_IPV4, out.resolve("error-no-handler"));
            }
            for (SockDiagDump dump : SockDiagDump.values()) {
                Files.copy(Path.of("/proc/net", dump.procTable()), out.resolve("proc-net-" + dump.procTable()),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            try (OutputStream o = Files.newOutputStream(out.resolve("sockets.properties"))) {
                sockets.store(o, "ports of the sockets SockDiagCapture opened");
            }
        } finally {
            for (NetworkChannel c : open) {
                c.close();
            }
        }
    }

    static String name(SockDiagDump dump) {
        return dump.label().replace('/', '-');
    }

    /** Writes the answer to {@code request}, datagram {@code i} to {@code prefix.i.bin}, until the dump is done. */
    private static void capture(JnaSockDiagChannel channel, ByteBuffer request, SockDiagDump dump, Path prefix)
            throws IOException {
        channel.send(request);
        SockDiagParser parser = new SockDiagParser();
        parser.begin(dump);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (int i = 0; ; i++) {
            int n = channel.receive(deadline);
            if (n < 0 || n > channel.buffer().capacity()) {
                throw new IOException("no datagram in time, or longer than the buffer: " + n);
            }
            byte[] bytes = new byte[n];
            channel.buffer().get(0, bytes);
            Files.write(Path.of(prefix + "." + i + ".bin"), bytes);
            try {
                if (parser.parse(ByteBuffer.wrap(bytes), n, new SocketRows(16))) {
                    return;
                }
            } catch (SockDiagException e) {
                System.out.println(prefix.getFileName() + ": " + e.getMessage());
                return;
            }
        }
    }

    private static ServerSocketChannel listen(ProtocolFamily family, InetAddress address, int backlog,
                                              List<NetworkChannel> open) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(family);
        open.add(server);
        server.bind(new InetSocketAddress(address, 0), backlog);
        return server;
    }

    private static SocketChannel connect(ProtocolFamily family, ServerSocketChannel server, List<NetworkChannel> open)
            throws IOException {
        SocketChannel client = SocketChannel.open(family);
        open.add(client);
        client.connect(server.getLocalAddress());
        return client;
    }

    private static String port(NetworkChannel channel) throws IOException {
        return Integer.toString(((InetSocketAddress) channel.getLocalAddress()).getPort());
    }

    /** Reads a resource of this directory. */
    static byte[] resource(String name) throws IOException {
        try (InputStream in = SockDiagCapture.class.getResourceAsStream("/netlink/" + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
