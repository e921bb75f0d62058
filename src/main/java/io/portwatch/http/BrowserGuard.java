package io.portwatch.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps web pages in the operator's browser away from an endpoint that needs no password on
 * loopback. Refused with HTTP 403 before the endpoint's handler sees the request:
 * <ul>
 *   <li>a request the browser marks {@code Sec-Fetch-Site: cross-site} (a page of another site
 *       calling, posting to or embedding the endpoint);</li>
 *   <li>a JSONP request (a {@code callback} query parameter, in any case or percent-encoding), which
 *       a {@code <script>} tag of any page could read, and a {@code mimeType} parameter asking for
 *       anything but JSON or plain text (a page could make the answer run as HTML);</li>
 *   <li>when bound to loopback, a {@code Host} header that is neither {@code localhost} nor an IP
 *       literal: a DNS-rebinding page sends its own host name;</li>
 *   <li>an {@code OPTIONS} request, the CORS preflight of a page that wants to send what a form cannot:
 *       refused plainly, with no {@code Access-Control-*} header, so no page is ever granted more.</li>
 * </ul>
 * Query parameter names and values are judged after percent-decoding until nothing changes
 * (docs/design.md §5, rule 5): {@code %2563allback} is {@code %63allback} to Jetty, {@code callback}
 * to a handler that decodes once more, and {@code callback} here.
 * Clients that are not browsers send none of these and are not affected.
 */
final class BrowserGuard {

    private static final Set<String> SAFE_MIME_TYPES = Set.of("application/json", "text/plain");
    // host part of a Host header: a bracketed IPv6 literal or a name/IPv4 without the port
    private static final Pattern HOST = Pattern.compile("^(\\[[0-9A-Fa-f:.]+(%[^\\]]+)?]|[^:]*)(:\\d+)?$");
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");

    private final boolean checkHost;

    /** @param checkHost whether to check the Host header (the endpoint is bound to loopback) */
    BrowserGuard(boolean checkHost) {
        this.checkHost = checkHost;
    }

    /** What the guard reads of a request. */
    interface Query {
        /** The decoded names of the query parameters. */
        Set<String> names();

        /** The decoded value of a parameter, or null. */
        String value(String name);
    }

    /** Why the request is refused, or null. */
    String refusal(String method, String secFetchSite, Query query, String host) {
        if ("OPTIONS".equals(method)) {
            return "Cross-origin requests (CORS preflight) are not allowed";
        }
        if (secFetchSite != null && "cross-site".equals(secFetchSite.trim().toLowerCase(Locale.ROOT))) {
            return "Cross-site browser requests are not allowed";
        }
        for (String raw : query.names()) {
            String name = decodedUntilStable(raw).trim();
            if (name.equalsIgnoreCase("callback")) {
                return "JSONP (callback parameter) is not allowed";
            }
            if (name.equalsIgnoreCase("mimeType")) {
                String value = query.value(raw);
                if (value == null
                        || !SAFE_MIME_TYPES.contains(decodedUntilStable(value).trim().toLowerCase(Locale.ROOT))) {
                    return "mimeType may only be application/json or text/plain";
                }
            }
        }
        if (checkHost && host != null && !isLocalHostHeader(host.trim())) {
            return "Host " + host.trim() + " is not allowed";
        }
        return null;
    }

    /**
     * {@code text} percent-decoded again and again until nothing changes. A round that changes anything shortens the
     * text or turns a {@code +} into a space, so this ends; a {@code %} that starts no valid escape is kept as it
     * is. Bytes decode as UTF-8, leniently (U+FFFD).
     */
    static String decodedUntilStable(String text) {
        String current = text;
        while (true) {
            String next = decodeOnce(current);
            if (next.equals(current)) {
                return current;
            }
            current = next;
        }
    }

    private static String decodeOnce(String text) {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            int hi = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
            if (lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.write(raw[i] == '+' ? ' ' : raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static boolean isLocalHostHeader(String host) {
        var m = HOST.matcher(host);
        if (!m.matches()) {
            return false;
        }
        String name = m.group(1).toLowerCase(Locale.ROOT);
        return name.equals("localhost") || name.startsWith("[") || IPV4.matcher(name).matches();
    }
}
