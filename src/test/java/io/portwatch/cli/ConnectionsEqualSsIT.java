package io.portwatch.cli;

import io.portwatch.testing.Poll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code connections --scan.reader=netlink} lists the sockets this test holds exactly as {@code ss -tanuHp} does:
 * protocol, state, both ends and the owning pid, over IPv4 and IPv6, listeners, connections, UDP bound and connected,
 * CLOSE_WAIT, FIN_WAIT2 and TIME_WAIT (no owner in either).
 */
class ConnectionsEqualSsIT {

    private static final int CONNECTIONS = 500;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    @Test
    void connectionsOverNetlinkEqualsSsOnTheSameLiveSockets() throws Exception {
        List<AutoCloseable> held = new ArrayList<>();
        try {
            Set<Integer> ports = new TreeSet<>();
            for (String host : List.of("127.0.0.1", "::1")) {
                InetAddress address = InetAddress.getByName(host);
                ServerSocket server = new ServerSocket(0, CONNECTIONS + 10, address);
                held.add(server);
                ports.add(server.getLocalPort());
                for (int i = 0; i < CONNECTIONS / 2; i++) {
                    Socket client = new Socket(address, server.getLocalPort());
                    held.add(client);
                    ports.add(client.getLocalPort());
                    held.add(server.accept());
                }
                // CLOSE_WAIT on the client, FIN_WAIT2 on the server's side: the server closes, the client does not
                Socket halfClosed = new Socket(address, server.getLocalPort());
                held.add(halfClosed);
                ports.add(halfClosed.getLocalPort());
                server.accept().close();
                // TIME_WAIT: the client closes first, then the server
                Socket timeWait = new Socket(address, server.getLocalPort());
                ports.add(timeWait.getLocalPort());
                Socket accepted = server.accept();
                timeWait.close();
                accepted.close();
                DatagramSocket bound = new DatagramSocket(new InetSocketAddress(address, 0));
                held.add(bound);
                ports.add(bound.getLocalPort());
                DatagramSocket connected = new DatagramSocket(new InetSocketAddress(address, 0));
                connected.connect(new InetSocketAddress(address, bound.getLocalPort()));
                held.add(connected);
                ports.add(connected.getLocalPort());
            }
            String[] last = {""};
            Poll.until(SETTLE, () -> last[0], () -> {
                Set<String> portwatch = portwatch(ports);
                Set<String> ss = ss(ports);
                if (portwatch.equals(ss)) {
                    assertTrue(portwatch.size() >= 2 * CONNECTIONS + 8, portwatch.size() + " sockets: " + portwatch);
                    assertTrue(portwatch.stream().anyMatch(s -> s.startsWith("tcp CLOSE_WAIT"))
                            && portwatch.stream().anyMatch(s -> s.startsWith("tcp FIN_WAIT2"))
                            && portwatch.stream().anyMatch(s -> s.startsWith("tcp TIME_WAIT"))
                            && portwatch.stream().anyMatch(s -> s.startsWith("udp ESTABLISHED"))
                            && portwatch.stream().anyMatch(s -> s.startsWith("udp UNCONN")), portwatch.toString());
                    return true;
                }
                Set<String> onlyPortwatch = new TreeSet<>(portwatch);
                onlyPortwatch.removeAll(ss);
                Set<String> onlySs = new TreeSet<>(ss);
                onlySs.removeAll(portwatch);
                last[0] = "only in connections: " + onlyPortwatch + "\nonly in ss: " + onlySs;
                return false;
            });
        } finally {
            for (AutoCloseable c : held) {
                c.close();
            }
        }
    }

    /** {@code proto STATE local:port remote:port pid} of this test's sockets, from portwatch's CSV. */
    private static Set<String> portwatch(Set<Integer> ports) throws Exception {
        JarProcess.Result result = JarProcess.run("connections", "--format=csv", "--namespaces=own",
                "--scan.reader=netlink");
        assertEquals(0, result.exitCode(), result.output());
        Set<String> sockets = new TreeSet<>();
        for (String line : result.output().lines().toList()) {
            String[] f = line.split(",", -1);
            if (f.length < 12 || !(f[0].equals("tcp") || f[0].equals("udp"))) {
                continue;
            }
            int local = Integer.parseInt(f[4]);
            int remote = Integer.parseInt(f[6]);
            if (mine(ports, local, remote)) {
                sockets.add(f[0] + " " + f[7] + " " + f[3] + ":" + local + " " + f[5] + ":" + remote + " " + f[8]);
            }
        }
        return sockets;
    }

    /** The same from {@code ss -tanuHp}, in portwatch's spelling: state names, IPv4-mapped as IPv4, * as wildcard. */
    private static Set<String> ss(Set<Integer> ports) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ss", "-tanuHp").redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        Set<String> sockets = new TreeSet<>();
        for (String line : out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6) {
                continue;
            }
            String[] local = endpoint(f[4]);
            String[] remote = endpoint(f[5]);
            int localPort = Integer.parseInt(local[1]);
            int remotePort = Integer.parseInt(remote[1]);
            if (!mine(ports, localPort, remotePort)) {
                continue;
            }
            String pid = f.length > 6 ? f[6].replaceAll(".*pid=(\\d+).*", "$1") : "";
            String remoteAddress = remote[0].equals("*") ? wildcardLike(local[0]) : remote[0];
            sockets.add(f[0] + " " + state(f[0], f[1]) + " " + local[0] + ":" + localPort + " " + remoteAddress + ":"
                    + remotePort + " " + pid);
        }
        return sockets;
    }

    /** {@code [::ffff:127.0.0.1]:80} → {@code 127.0.0.1, 80}; {@code 0.0.0.0:*} → {@code 0.0.0.0, 0}. */
    private static String[] endpoint(String text) throws IOException {
        int colon = text.lastIndexOf(':');
        String address = text.substring(0, colon).replace("[", "").replace("]", "");
        String port = text.substring(colon + 1);
        if (address.startsWith("::ffff:") && address.indexOf('.') > 0) {
            address = address.substring("::ffff:".length());
        }
        if (!address.equals("*")) {
            address = InetAddress.getByName(address).getHostAddress().replaceAll("^0:0:0:0:0:0:0:1$", "::1")
                    .replaceAll("^0:0:0:0:0:0:0:0$", "::");
        }
        return new String[] {address, port.equals("*") ? "0" : port};
    }

    /**
     * A socket of this test: both ends on a port it holds (or no remote end). Other processes' sockets may share one
     * port number with it (a load generator's, on another address) and come and go between the two listings.
     */
    private static boolean mine(Set<Integer> ports, int local, int remote) {
        return ports.contains(local) && (remote == 0 || ports.contains(remote));
    }

    private static String wildcardLike(String local) {
        return local.contains(":") ? "::" : "0.0.0.0";
    }

    private static String state(String protocol, String ss) {
        return switch (ss) {
            case "ESTAB" -> "ESTABLISHED";
            case "FIN-WAIT-1" -> "FIN_WAIT1";
            case "FIN-WAIT-2" -> "FIN_WAIT2";
            case "UNCONN" -> protocol.equals("udp") ? "UNCONN" : "CLOSE";
            default -> ss.replace('-', '_').toUpperCase(Locale.ROOT);
        };
    }
}
