package io.portwatch.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every request of an endpoint passes before its handler runs, in this order: the exact path,
 * the {@link BrowserGuard}, basic authentication, the body limits (per request, and at most
 * {@value #BODIES_IN_MEMORY} limits' worth of bodies in memory per endpoint). The body is read here, without
 * holding a thread, within the read deadline of the {@link ConnectionGuard}, and handed to the
 * handler whole: the handler never waits on the network for its input. An {@link EndpointServer.BodyCheck}
 * may refuse a body (Jolokia's bulk limit).
 */
final class GuardHandler extends Handler.Wrapper {

    /** Request bodies an endpoint holds in memory at once, in units of the body limit (8 MiB by default). */
    static final int BODIES_IN_MEMORY = 8;

    private final String path;
    private final boolean subPaths;
    private final boolean acceptsBody;
    private final AtomicLong buffered = new AtomicLong();
    private final BrowserGuard browser;
    private final Credentials credentials;
    private final ConnectionGuard connections;
    private final long maxBodyBytes;
    private final EndpointServer.BodyCheck bodyCheck;

    /**
     * @param path        the one path served, e.g. {@code /metrics}
     * @param subPaths    whether paths below it ({@code /jolokia/read/...}) are served too
     * @param acceptsBody whether requests may carry a body (a body to an endpoint that takes none is 413)
     * @param credentials the user allowed, or null when no authentication is asked
     */
    GuardHandler(String path, boolean subPaths, boolean acceptsBody, BrowserGuard browser, Credentials credentials,
                 ConnectionGuard connections, long maxBodyBytes, EndpointServer.BodyCheck bodyCheck, Handler handler) {
        super(handler);
        this.path = path;
        this.subPaths = subPaths;
        this.acceptsBody = acceptsBody;
        this.browser = browser;
        this.credentials = credentials;
        this.connections = connections;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyCheck = bodyCheck;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        connections.answering(request);
        Request.addCompletionListener(request, failure -> connections.answered(request));
        if (!served(request.getHttpURI().getPath())) { // raw: "/metrics;x" or "/%6Detrics" are not "/metrics"
            return reply(response, callback, HttpStatus.NOT_FOUND_404, "Not found: this endpoint serves " + path);
        }
        Fields query = Request.extractQueryParameters(request);
        String refusal = browser.refusal(request.getMethod(), request.getHeaders().get("Sec-Fetch-Site"), new QueryView(query),
                request.getHeaders().get(HttpHeader.HOST));
        if (refusal != null) {
            return reply(response, callback, HttpStatus.FORBIDDEN_403, refusal);
        }
        if (credentials != null) {
            Credentials.Verdict verdict = credentials.check(request.getHeaders().get(HttpHeader.AUTHORIZATION));
            if (verdict == Credentials.Verdict.BUSY) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                return reply(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, "Busy checking passwords, retry");
            }
            if (verdict == Credentials.Verdict.REFUSED) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"portwatch\", charset=\"UTF-8\"");
                return reply(response, callback, HttpStatus.UNAUTHORIZED_401, "Authentication required");
            }
        }
        long length = request.getLength();
        boolean chunked = length < 0 && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
        if (length <= 0 && !chunked) {
            return delegate(new WholeBody(request, new byte[0]), response, callback);
        }
        if (!acceptsBody) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            return reply(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413, "This endpoint takes no request body");
        }
        if (length > maxBodyBytes) {
            return tooLarge(response, callback);
        }
        long reserved = length > 0 ? length : maxBodyBytes + 1;
        if (buffered.addAndGet(reserved) > maxBodyBytes * BODIES_IN_MEMORY) {
            buffered.addAndGet(-reserved);
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
            return reply(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503,
                    "Too many request bodies in memory on this endpoint, retry");
        }
        Request.addCompletionListener(request, failure -> buffered.addAndGet(-reserved));
        connections.readingBody(request);
        // BLOCKING: Jetty calls back on a worker thread, never on its selector, so the handler may run right there
        Content.Source.asByteArrayAsync(request, (int) maxBodyBytes + 1, Promise.Invocable.from(InvocationType.BLOCKING,
                (byte[] body, Throwable failure) -> bodyRead(request, response, callback, body, failure)));
        return true;
    }

    /** The whole body is in memory (or reading it failed): check it and hand the request on. */
    private void bodyRead(Request request, Response response, Callback callback, byte[] body, Throwable failure) {
        connections.answering(request);
        if (failure instanceof IllegalStateException || body != null && body.length > maxBodyBytes) {
            tooLarge(response, callback); // Jetty fails the read with "Max size (N) exceeded"
            return;
        }
        if (failure != null) {
            callback.failed(failure);
            return;
        }
        String refusal = bodyCheck.refusal(body);
        if (refusal != null) {
            reply(response, callback, HttpStatus.BAD_REQUEST_400, refusal);
            return;
        }
        try {
            if (!delegate(new WholeBody(request, body), response, callback)) {
                reply(response, callback, HttpStatus.NOT_FOUND_404, "Not found");
            }
        } catch (Exception | LinkageError e) {
            callback.failed(e);
        }
    }

    /** Bytes reserved for request bodies in memory now. */
    long bufferedBodyBytes() {
        return buffered.get();
    }

    private boolean served(String requestPath) {
        if (requestPath == null) {
            return false;
        }
        return requestPath.equals(path) || subPaths && requestPath.startsWith(path + "/");
    }

    private boolean delegate(Request request, Response response, Callback callback) throws Exception {
        Handler next = getHandler();
        return next != null && next.handle(request, response, callback);
    }

    private boolean tooLarge(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        return reply(response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413,
                "Request body larger than " + maxBodyBytes + " bytes (http.maxBodySize)");
    }

    private static boolean reply(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        response.write(true, ByteBuffer.wrap((status + " " + HttpStatus.getMessage(status) + "\n\n" + text + "\n")
                .getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    /** The decoded query parameters as the browser guard reads them. */
    private record QueryView(Fields fields) implements BrowserGuard.Query {
        @Override
        public Set<String> names() {
            return fields.getNames();
        }

        @Override
        public String value(String name) {
            return fields.getValue(name);
        }
    }

    /** The request with its body already read: the handler's reads are served from memory. */
    private static final class WholeBody extends Request.Wrapper {
        private final byte[] body;
        private boolean read;

        WholeBody(Request request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public long getLength() {
            return body.length;
        }

        @Override
        public synchronized Content.Chunk read() {
            if (read) {
                return Content.Chunk.EOF;
            }
            read = true;
            return Content.Chunk.from(ByteBuffer.wrap(body), true);
        }

        @Override
        public void demand(Runnable demandCallback) {
            demandCallback.run();
        }

        @Override
        public boolean consumeAvailable() {
            return true;
        }
    }
}
