package io.portwatch.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hostile or careless clients on real sockets: connect, send what the test says, hold. Test helper. */
final class RawClient {

    private RawClient() {
    }

    /** Opens {@code count} connections to 127.0.0.1:{@code port} that each send {@code first} and then nothing. */
    static List<Socket> holding(int port, int count, byte[] first) throws IOException {
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.getOutputStream().write(first);
                s.getOutputStream().flush();
                sockets.add(s);
            }
        } catch (IOException e) {
            closeAll(sockets);
            throw e;
        }
        return sockets;
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing a test socket
            }
        }
    }

    /** How many of the sockets the server has closed (a read gives end of stream or a reset within 50 ms). */
    static int closedByServer(List<Socket> sockets) throws IOException {
        int closed = 0;
        for (Socket s : sockets) {
            if (closedByServer(s)) {
                closed++;
            }
        }
        return closed;
    }

    static boolean closedByServer(Socket s) throws IOException {
        s.setSoTimeout(50);
        try {
            InputStream in = s.getInputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** Sends raw request text and returns the whole answer as text (until the server closes or 5 s pass). */
    static String exchange(int port, String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAnswer(s);
        }
    }

    /** Reads what the server sends until it closes, or until 5 s of silence. */
    static String readAnswer(Socket s) throws IOException {
        s.setSoTimeout(5000);
        byte[] buffer = new byte[8192];
        StringBuilder text = new StringBuilder();
        InputStream in = s.getInputStream();
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // the answer so far
        }
        return text.toString();
    }
}
