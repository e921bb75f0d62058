package io.portwatch.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Runs an endpoint's {@code com.sun.net.httpserver} handler on Jetty with a {@link BufferedExchange}: the one
 * place where every answer of every endpoint gets its byte budget and its non-blocking write (docs/design.md §5,
 * rule 1). When the endpoint's bytes in flight are full, a request is answered 503 at once, before its handler
 * builds anything.
 */
final class AnswerHandler extends Handler.Abstract {

    private final SpiContext context;
    private final HttpHandler handler;
    private final long maxResponseBytes;
    private final BytesInFlight inFlight;

    AnswerHandler(SpiContext context, long maxResponseBytes, BytesInFlight inFlight) {
        this.context = context;
        this.handler = context.getHandler();
        this.maxResponseBytes = maxResponseBytes;
        this.inFlight = inFlight;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (inFlight.full()) {
            response.setStatus(HttpStatus.SERVICE_UNAVAILABLE_503);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            response.write(true, ByteBuffer.wrap(("503 Service Unavailable\n\n" + BufferedExchange.noRoom(inFlight)
                    + "\n").getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
        BufferedExchange exchange = new BufferedExchange(context, request, response, maxResponseBytes, inFlight);
        try {
            new Filter.Chain(context.getFilters(), handler).doFilter(exchange);
        } catch (Exception | LinkageError e) {
            exchange.failed(callback);
            return true;
        }
        exchange.finish(callback);
        return true;
    }
}
