package io.portwatch.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A child process for tests: listens on {@code 0.0.0.0:PORT}, holds one connection to it from 127.0.0.1, prints
 * {@code READY}, and exits after 120 s unless killed first (the test kills it by pid).
 */
public final class HoldSockets {

    private HoldSockets() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = Integer.parseInt(args[0]);
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                 Socket accepted = server.accept()) {
                System.out.println("READY " + client.getLocalPort() + " " + accepted.getPort());
                System.out.flush();
                Thread.sleep(120_000); // a lifetime bound: the test kills it by pid when done
            }
        }
    }
}
