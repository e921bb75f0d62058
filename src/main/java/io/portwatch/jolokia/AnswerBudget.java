package io.portwatch.jolokia;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.portwatch.config.SettingKey;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * Judges a Jolokia answer by its size (docs/design.md §5, rule 1) and keeps it valid JSON (rule 4), in front of
 * Jolokia's own handler:
 * <ul>
 *   <li>a bulk request (a JSON array) is run one request at a time, each answer captured within what is left of
 *       {@code jolokia.maxResponseSize}. The request whose answer passes it, and every request after it, is not
 *       answered: its entry is an error object with status 413 naming the setting, and no request after it
 *       runs. So 100 {@code list} requests build one or two lists' worth, never a hundred;</li>
 *   <li>a single request whose answer passes the budget is answered HTTP 413 with the same error object;</li>
 *   <li>every answer's {@code \}{@code u} escapes are repaired ({@link JsonEscapes}): a control character in any
 *       MBean's string (a process name, an application's attribute) no longer breaks the JSON.</li>
 * </ul>
 * Only one request's answer is built at a time per worker thread; the answer as sent is bounded by the budget
 * plus one short error entry per refused request. At most {@value #CONCURRENT_BULKS} bulks run at once, half the
 * endpoint's worker threads: clients that send bulk after bulk (each up to a budget's worth of {@code list}s)
 * leave threads for a single read. A bulk over that is answered 503 with {@code Retry-After} at once.
 */
final class AnswerBudget implements HttpHandler {

    static final int REFUSED_STATUS = 413;
    /** Bulk requests run at once on one endpoint. */
    static final int CONCURRENT_BULKS = 4;

    private final HttpHandler jolokia;
    private final long maxBytes;
    private final byte[] refusal;
    private final Semaphore bulks = new Semaphore(CONCURRENT_BULKS);
    /** Wide requests (a pattern, a search, a list: {@link AnswerForecast}) being built: one at a time. */
    private final Semaphore wide = new Semaphore(1);
    private final AnswerForecast forecast;

    AnswerBudget(HttpHandler jolokia, long maxBytes) {
        this(jolokia, maxBytes, new AnswerForecast(ManagementFactory.getPlatformMBeanServer()));
    }

    AnswerBudget(HttpHandler jolokia, long maxBytes, AnswerForecast forecast) {
        this.jolokia = jolokia;
        this.maxBytes = maxBytes;
        this.refusal = refusal(maxBytes).getBytes(StandardCharsets.UTF_8);
        this.forecast = forecast;
    }

    /** The most bytes an answer to a bulk of {@code maxRequests} may have: the budget and one refusal per request. */
    long maxAnswerBytes(int maxRequests) {
        return maxBytes + (long) maxRequests * (refusal.length + 1) + 2;
    }

    /** The error object of a request that would reach more MBeans than the budget can answer: it is not run. */
    static String refusal(long maxBytes, AnswerForecast.Forecast f) {
        return "{\"status\":" + REFUSED_STATUS + ",\"error_type\":\"ResponseTooLarge\",\"error\":\"Not run: it reaches "
                + f.mbeans() + " MBeans, an answer of at least " + f.leastBytes() + " bytes, more than "
                + SettingKey.JOLOKIA_MAX_RESPONSE_SIZE.key() + " (" + maxBytes + " bytes) leaves; ask for less (a narrower"
                + " pattern, one MBean, a path)\"}";
    }

    /** The error object of a wide request while another one is being built. */
    private static final byte[] WIDE_BUSY = ("{\"status\":503,\"error_type\":\"Busy\",\"error\":\"another request over"
            + " many MBeans (a pattern, a search, a list) is being answered on this endpoint, retry\"}")
            .getBytes(StandardCharsets.UTF_8);

    /** The error object of a request whose answer is not built. */
    static String refusal(long maxBytes) {
        return "{\"status\":" + REFUSED_STATUS + ",\"error_type\":\"ResponseTooLarge\",\"error\":\"Not answered: the answer"
                + " would pass " + SettingKey.JOLOKIA_MAX_RESPONSE_SIZE.key() + " (" + maxBytes + " bytes) with the"
                + " answers before it; ask for less (a path, maxDepth, fewer requests in one bulk)\"}";
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes(); // in memory already, within http.maxBodySize
            List<int[]> bulk = "POST".equals(method) ? BulkLimit.elements(body) : null;
            if (bulk == null) {
                single(exchange, method, body);
            } else if (bulks.tryAcquire()) {
                try {
                    bulk(exchange, body, bulk);
                } finally {
                    bulks.release();
                }
            } else {
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.getResponseHeaders().set("Retry-After", "1");
                send(exchange, 503, ("{\"status\":503,\"error_type\":\"Busy\",\"error\":\"" + CONCURRENT_BULKS
                        + " bulk requests are running on this endpoint, retry\"}").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private void single(HttpExchange exchange, String method, byte[] body) throws IOException {
        AnswerForecast.Forecast f = "POST".equals(method)
                ? forecast.ofJson(new String(body, StandardCharsets.UTF_8))
                : forecast.ofPath(belowEndpoint(exchange));
        if (f.leastBytes() > maxBytes) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            send(exchange, REFUSED_STATUS, refusal(maxBytes, f).getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (f.wide() && !wide.tryAcquire()) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.getResponseHeaders().set("Retry-After", "1");
            send(exchange, 503, WIDE_BUSY);
            return;
        }
        CapturedExchange answer;
        try {
            answer = run(exchange, method, body, maxBytes);
        } finally {
            if (f.wide()) {
                wide.release();
            }
        }
        if (answer.overflowed()) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            send(exchange, REFUSED_STATUS, refusal);
            return;
        }
        headersOf(answer, exchange);
        byte[] bytes = answer.bytes();
        JsonEscapes.repair(bytes, bytes.length);
        send(exchange, answer.status() < 0 ? 500 : answer.status(), bytes);
    }

    private void bulk(HttpExchange exchange, byte[] body, List<int[]> requests) throws IOException {
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        answers.write('[');
        boolean headers = false;
        boolean refusing = false;
        for (int[] range : requests) {
            if (answers.size() > 1) {
                answers.write(',');
            }
            refusing = refusing || answers.size() + 1 >= maxBytes;
            if (!refusing) {
                byte[] request = Arrays.copyOfRange(body, range[0], range[1]);
                AnswerForecast.Forecast f = forecast.ofJson(new String(request, StandardCharsets.UTF_8));
                long left = maxBytes - answers.size() - 1;
                if (f.leastBytes() > left) {
                    answers.write(refusal(maxBytes, f).getBytes(StandardCharsets.UTF_8));
                    refusing = true;
                    continue;
                }
                if (f.wide() && !wide.tryAcquire()) {
                    answers.write(WIDE_BUSY);
                    continue;
                }
                CapturedExchange answer;
                try {
                    answer = run(exchange, "POST", request, left);
                } finally {
                    if (f.wide()) {
                        wide.release();
                    }
                }
                refusing = answer.overflowed();
                if (!refusing) {
                    if (!headers) {
                        headersOf(answer, exchange);
                        headers = true;
                    }
                    byte[] bytes = answer.bytes();
                    JsonEscapes.repair(bytes, bytes.length);
                    answers.write(isObject(bytes) && answer.status() == 200 ? bytes : httpError(answer.status()));
                    continue;
                }
            }
            answers.write(refusal);
        }
        answers.write(']');
        if (!headers) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        }
        send(exchange, 200, answers.toByteArray());
    }

    /** The request's path below the endpoint's context ({@code read/NAME/...}), raw (as Jolokia decodes it). */
    private static String belowEndpoint(HttpExchange exchange) {
        String path = exchange.getRequestURI().getRawPath();
        String context = exchange.getHttpContext() == null ? "" : exchange.getHttpContext().getPath();
        return path.startsWith(context) ? path.substring(context.length()) : path;
    }

    private CapturedExchange run(HttpExchange exchange, String method, byte[] body, long budget) throws IOException {
        CapturedExchange captured = new CapturedExchange(exchange, method, body, budget);
        jolokia.handle(captured);
        return captured;
    }

    private static void headersOf(CapturedExchange answer, HttpExchange exchange) {
        for (Map.Entry<String, List<String>> header : answer.getResponseHeaders().entrySet()) {
            exchange.getResponseHeaders().put(header.getKey(), header.getValue());
        }
    }

    private static boolean isObject(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{';
            }
        }
        return false;
    }

    private static byte[] httpError(int status) {
        return ("{\"status\":" + status + ",\"error_type\":\"HttpError\",\"error\":\"HTTP " + status + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
