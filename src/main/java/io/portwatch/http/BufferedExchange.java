package io.portwatch.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code com.sun.net.httpserver} exchange a handler sees (docs/design.md §5, rule 1): what the handler writes
 * is built in memory, at most {@code maxBytes} and within the endpoint's {@link BytesInFlight}, and sent when
 * the handler returns with Jetty's non-blocking write. So a worker thread never waits on a slow reader: the
 * answer's bytes wait, until they are sent or the {@link ConnectionGuard} cuts the connection at the write
 * deadline. A handler may instead hand over a ready body that it holds anyway ({@link Answers#send}), which is
 * written as it is, never copied.
 *
 * <p>An answer over {@code maxBytes} stops being built at the write that passes it (that write throws) and is
 * answered 413; one that finds no room in flight is answered 503. The handler runs on one thread and must have
 * answered when it returns.
 */
final class BufferedExchange extends HttpExchange {

    private final HttpContext context;
    private final Request request;
    private final Response response;
    private final long maxBytes;
    private final BytesInFlight inFlight;
    private final Headers requestHeaders = new Headers();
    private final Headers responseHeaders = new Headers();
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private final Body body = new Body();
    private InputStream in;
    private OutputStream out = body;
    private HttpPrincipal principal;
    private int status = -1;
    private boolean noBody;
    private ByteBuffer ready;

    BufferedExchange(HttpContext context, Request request, Response response, long maxBytes, BytesInFlight inFlight) {
        this.context = context;
        this.request = request;
        this.response = response;
        this.maxBytes = maxBytes;
        this.inFlight = inFlight;
        for (HttpField field : request.getHeaders()) {
            requestHeaders.add(field.getName(), field.getValue());
        }
    }

    @Override
    public Headers getRequestHeaders() {
        return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return request.getHttpURI().toURI();
    }

    @Override
    public String getRequestMethod() {
        return request.getMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return context;
    }

    /** Ends the exchange as the JDK's does; the answer is sent when the handler returns. */
    @Override
    public void close() {
        body.closed = true;
    }

    @Override
    public InputStream getRequestBody() {
        if (in == null) {
            in = Content.Source.asInputStream(request); // already whole in memory (GuardHandler): never waits
        }
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int code, long length) throws IOException {
        if (status >= 0 || ready != null) {
            throw new IOException("the answer's headers were sent already");
        }
        status = code;
        noBody = length < 0;
        if (length > maxBytes) {
            body.overflowed = true;
            throw new IOException(tooLarge());
        }
    }

    /** The whole answer: {@code status} and {@code content} written as they are, without a copy. */
    void sendReady(int code, ByteBuffer content) throws IOException {
        if (status >= 0 || ready != null) {
            throw new IOException("the answer's headers were sent already");
        }
        status = code;
        ready = content.asReadOnlyBuffer();
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return request.getConnectionMetaData().getRemoteSocketAddress() instanceof InetSocketAddress a
                ? a : new InetSocketAddress(0);
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return request.getConnectionMetaData().getLocalSocketAddress() instanceof InetSocketAddress a
                ? a : new InetSocketAddress(0);
    }

    @Override
    public String getProtocol() {
        return request.getConnectionMetaData().getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        if (i != null) {
            in = i;
        }
        if (o != null) {
            out = o;
        }
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return principal;
    }

    void setPrincipal(HttpPrincipal newPrincipal) {
        principal = newPrincipal;
    }

    /** The handler has returned: sends its answer without waiting for the client, or the refusal it earned. */
    void finish(Callback callback) {
        if (ready != null) {
            body.release();
            send(status, ready, callback);
        } else if (body.overflowed) {
            refuse(HttpStatus.PAYLOAD_TOO_LARGE_413, tooLarge(), callback);
        } else if (body.noRoom) {
            refuse(HttpStatus.SERVICE_UNAVAILABLE_503, noRoom(inFlight), callback);
        } else if (status < 0) {
            refuse(HttpStatus.INTERNAL_SERVER_ERROR_500, "The endpoint gave no answer", callback);
        } else {
            ByteBuffer content = noBody ? null : ByteBuffer.wrap(body.bytes, 0, body.size);
            send(status, content, Callback.from(() -> {
                body.release();
                callback.succeeded();
            }, failure -> {
                body.release();
                callback.failed(failure);
            }));
        }
    }

    /** The handler threw: its answer, if it was refused for its size or for room, else a plain 500 (no detail). */
    void failed(Callback callback) {
        if (ready == null && !body.overflowed && !body.noRoom) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            refuse(HttpStatus.INTERNAL_SERVER_ERROR_500, "The endpoint failed to answer", callback);
        } else {
            finish(callback);
        }
    }

    private void send(int code, ByteBuffer content, Callback callback) {
        response.setStatus(code);
        for (Map.Entry<String, List<String>> header : responseHeaders.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("content-length") && !name.equals("transfer-encoding")) {
                for (String value : header.getValue()) {
                    response.getHeaders().add(header.getKey(), value);
                }
            }
        }
        boolean head = "HEAD".equals(request.getMethod());
        boolean bodyless = code == HttpStatus.NO_CONTENT_204 || code == HttpStatus.NOT_MODIFIED_304;
        if (!bodyless && (content != null || !head)) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, content == null ? 0 : content.remaining());
        }
        response.write(true, head || bodyless ? null : content, callback);
    }

    private void refuse(int code, String text, Callback callback) {
        body.release();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (code == HttpStatus.SERVICE_UNAVAILABLE_503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        responseHeaders.clear();
        send(code, ByteBuffer.wrap((code + " " + HttpStatus.getMessage(code) + "\n\n" + text + "\n")
                .getBytes(StandardCharsets.UTF_8)), callback);
    }

    private String tooLarge() {
        return "The answer is larger than " + maxBytes + " bytes, the most this endpoint builds for one answer";
    }

    static String noRoom(BytesInFlight inFlight) {
        return "Answers of " + inFlight.max() + " bytes are waiting for their clients on this endpoint"
                + " (http.maxBytesInFlight), retry";
    }

    /** The answer's bytes, grown as written, each growth reserved in flight first. */
    private final class Body extends OutputStream {
        byte[] bytes = new byte[0];
        int size;
        long reserved;
        boolean overflowed;
        boolean noRoom;
        boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (overflowed || noRoom || ready != null) {
                throw new IOException("the answer was refused");
            }
            if (status < 0) {
                throw new IOException("sendResponseHeaders was not called");
            }
            if ((long) size + len > maxBytes) {
                overflowed = true;
                throw new IOException(tooLarge());
            }
            grow(size + len);
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }

        private void grow(int need) throws IOException {
            if (need <= bytes.length) {
                return;
            }
            int capacity = (int) Math.min(maxBytes, Math.max(need, Math.max(8192L, bytes.length * 2L)));
            if (!inFlight.tryReserve(capacity - bytes.length)) {
                noRoom = true;
                throw new IOException(noRoom(inFlight));
            }
            reserved += capacity - bytes.length;
            bytes = Arrays.copyOf(bytes, capacity);
        }

        /** Gives back what was reserved, once. */
        void release() {
            inFlight.release(reserved);
            reserved = 0;
            bytes = new byte[0];
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
