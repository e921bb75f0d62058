package io.portwatch.jolokia;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Keeps web pages in the operator's browser away from an endpoint that needs no password on
 * loopback. Refused with HTTP 403 before Jolokia sees the request:
 * <ul>
 *   <li>a request the browser marks {@code Sec-Fetch-Site: cross-site} (a page of another site
 *       calling, posting to or embedding the endpoint);</li>
 *   <li>a JSONP request ({@code callback=} parameter), which a {@code <script>} tag of any page could read;</li>
 *   <li>when bound to loopback, a {@code Host} header that is neither {@code localhost} nor an IP
 *       literal: a DNS-rebinding page sends its own host name.</li>
 * </ul>
 * Clients that are not browsers send none of these and are not affected.
 */
final class BrowserGuard extends Filter {

    private static final Pattern CALLBACK = Pattern.compile("(^|&)callback=");
    // host part of a Host header: a bracketed IPv6 literal or a name/IPv4 without the port
    private static final Pattern HOST = Pattern.compile("^(\\[[0-9A-Fa-f:.]+(%[^\\]]+)?]|[^:]*)(:\\d+)?$");
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

    private final boolean checkHost;

    /** @param checkHost whether to check the Host header (the endpoint is bound to loopback) */
    BrowserGuard(boolean checkHost) {
        this.checkHost = checkHost;
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String refusal = refusal(exchange.getRequestHeaders().getFirst("Sec-Fetch-Site"),
                exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders().getFirst("Host"));
        if (refusal == null) {
            chain.doFilter(exchange);
            return;
        }
        byte[] body = ("403 (Forbidden)\n\n" + refusal + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(403, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Why the request is refused, or null. */
    String refusal(String secFetchSite, String rawQuery, String host) {
        if (secFetchSite != null && "cross-site".equals(secFetchSite.trim().toLowerCase(Locale.ROOT))) {
            return "Cross-site browser requests are not allowed";
        }
        if (rawQuery != null && CALLBACK.matcher(rawQuery).find()) {
            return "JSONP (callback parameter) is not allowed";
        }
        if (checkHost && host != null && !isLocalHostHeader(host.trim())) {
            return "Host " + host.trim() + " is not allowed";
        }
        return null;
    }

    static boolean isLocalHostHeader(String host) {
        var m = HOST.matcher(host);
        if (!m.matches()) {
            return false;
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.startsWith("[") || IPV4.matcher(name).matches();
    }

    @Override
    public String description() {
        return "portwatch: refuses cross-site, JSONP and DNS-rebinding requests";
    }
}
