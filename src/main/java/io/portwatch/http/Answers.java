package io.portwatch.http;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Sending an answer that is ready in memory (docs/design.md §5, rule 1), for the handlers of an
 * {@link EndpointServer}: the body is written as it is with Jetty's non-blocking write when the handler
 * returns — never copied, never holding the worker thread while a slow client reads it, cut at
 * {@code http.writeTimeout}. The buffer may be shared by many answers at once (a cache's bytes): each answer
 * reads its own read-only view. Being held anyway, such a body is not counted in {@code http.maxBytesInFlight}.
 */
public final class Answers {

    private Answers() {
    }

    /**
     * The whole answer: {@code status}, the headers set on {@code exchange.getResponseHeaders()} before, and the
     * {@code body} from its position to its limit (neither is changed). A HEAD request gets the headers only.
     * On an exchange of another server (the JDK's, in a test) the body is written the ordinary way.
     *
     * @throws IOException when the answer was sent already
     */
    public static void send(HttpExchange exchange, int status, ByteBuffer body) throws IOException {
        if (exchange instanceof BufferedExchange buffered) {
            buffered.sendReady(status, body);
            return;
        }
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        ByteBuffer view = body.asReadOnlyBuffer();
        exchange.sendResponseHeaders(status, head || !view.hasRemaining() ? -1 : view.remaining());
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] slice = new byte[Math.min(view.remaining(), 1 << 16)];
                while (view.hasRemaining()) {
                    int n = Math.min(slice.length, view.remaining());
                    view.get(slice, 0, n);
                    out.write(slice, 0, n);
                }
            }
        }
    }
}
