package io.portwatch.jolokia;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.Objects;

/**
 * One request of a client's exchange as Jolokia's handler sees it: the client's URI, method, headers and
 * addresses, a body of its own (one request of a bulk), and an answer captured in memory, at most
 * {@code maxBytes}. Bytes past that are dropped and the answer is marked {@link #overflowed()}: Jolokia
 * finishes writing into nothing instead of failing with an exception it would log.
 */
final class CapturedExchange extends HttpExchange {

    private final HttpExchange client;
    private final String method;
    private final byte[] body;
    private final long maxBytes;
    private final Headers responseHeaders = new Headers();
    private final Capture capture = new Capture();
    private InputStream in;
    private OutputStream out = capture;
    private int status = -1;

    CapturedExchange(HttpExchange client, String method, byte[] body, long maxBytes) {
        this.client = client;
        this.method = method;
        this.body = body;
        this.maxBytes = Math.max(0, maxBytes);
    }

    /** The status Jolokia answered, or -1 when it sent none. */
    int status() {
        return status;
    }

    /** Whether the answer passed {@code maxBytes}: then {@link #bytes()} holds only its beginning. */
    boolean overflowed() {
        return capture.overflowed;
    }

    /** The answer's bytes (a copy of what is held, trimmed). */
    byte[] bytes() {
        return Arrays.copyOf(capture.bytes, capture.size);
    }

    @Override
    public Headers getRequestHeaders() {
        return client.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
        return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
        return client.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
        return method;
    }

    @Override
    public HttpContext getHttpContext() {
        return client.getHttpContext();
    }

    @Override
    public void close() {
        // the client's exchange is answered by the caller
    }

    @Override
    public InputStream getRequestBody() {
        if (in == null) {
            in = new ByteArrayInputStream(body);
        }
        return in;
    }

    @Override
    public OutputStream getResponseBody() {
        return out;
    }

    @Override
    public void sendResponseHeaders(int code, long length) {
        status = code;
        if (length > maxBytes) {
            capture.overflowed = true;
        }
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return client.getRemoteAddress();
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return client.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return client.getProtocol();
    }

    @Override
    public Object getAttribute(String name) {
        return client.getAttribute(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        client.setAttribute(name, value);
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
        return client.getPrincipal();
    }

    /** The answer in memory, up to {@code maxBytes}. */
    private final class Capture extends OutputStream {
        byte[] bytes = new byte[0];
        int size;
        boolean overflowed;

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (overflowed) {
                return;
            }
            if ((long) size + len > maxBytes) {
                overflowed = true;
                bytes = new byte[0];
                size = 0;
                return;
            }
            if (size + len > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max(size + len, Math.max(8192L, bytes.length * 2L))));
            }
            System.arraycopy(b, off, bytes, size, len);
            size += len;
        }
    }
}
