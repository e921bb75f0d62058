package io.portwatch.jolokia;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * How large a Jolokia answer will be at the least, judged before the request runs (docs/design.md §5, rule 1).
 * Jolokia builds a whole answer before a byte of it is written, so the answer budget alone cannot stop a
 * {@code read} of a pattern, a {@code search} or a {@code list} over thousands of MBeans (every definitions row is
 * one) from being built whole first. A request of those kinds is forecast from the number of MBeans it reaches,
 * times the least an answer spends on one MBean of its kind; one whose forecast passes what is left of the budget
 * is refused without being run. Every other request reaches one MBean and is forecast 0.
 */
final class AnswerForecast {

    /** The least a {@code read} answer spends on one MBean: its name and an attribute map (a row's is over 1 KB). */
    static final int READ_BYTES_PER_MBEAN = 512;
    /** The least a {@code list} answer spends on one MBean: its attributes, each with type and description. */
    static final int LIST_BYTES_PER_MBEAN = 1024;
    /** The least a {@code search} answer spends on one MBean: its quoted name. */
    static final int SEARCH_BYTES_PER_MBEAN = 32;

    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([A-Za-z]+)\"");
    private static final Pattern MBEAN = Pattern.compile("\"mbean\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern PATH = Pattern.compile("\"path\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final MBeanServer server;

    AnswerForecast(MBeanServer server) {
        this.server = server;
    }

    /** The forecast of a request sent as the JSON object {@code json} (a POST, or one element of a bulk). */
    Forecast ofJson(String json) {
        Matcher type = TYPE.matcher(json);
        if (!type.find()) {
            return Forecast.NONE;
        }
        Matcher mbean = MBEAN.matcher(json);
        Matcher path = PATH.matcher(json);
        return of(type.group(1), mbean.find() ? unescape(mbean.group(1)) : null,
                path.find() ? unescape(path.group(1)) : null);
    }

    /** The forecast of a GET request whose path below the endpoint is {@code path} ({@code read/NAME/...}). */
    Forecast ofPath(String path) {
        String[] parts = path.replaceFirst("^/+", "").split("/", 3);
        String type = parts[0];
        String second = parts.length > 1 ? decode(parts[1]) : null;
        return switch (type) {
            case "read", "search" -> of(type, second, null);
            case "list" -> of(type, null, second == null || second.isEmpty() ? null
                    : parts.length > 2 ? second + "/" + parts[2] : second);
            default -> Forecast.NONE;
        };
    }

    private Forecast of(String type, String mbean, String path) {
        switch (type) {
            case "read":
                return mbean == null || !isPattern(mbean) ? Forecast.NONE
                        : new Forecast(matches(mbean), READ_BYTES_PER_MBEAN);
            case "search":
                return mbean == null ? Forecast.NONE : new Forecast(matches(mbean), SEARCH_BYTES_PER_MBEAN);
            case "list":
                if (path == null || path.isEmpty()) {
                    return new Forecast(server.getMBeanCount(), LIST_BYTES_PER_MBEAN);
                }
                String domain = path.split("/", 2)[0];
                return path.contains("/") ? Forecast.NONE
                        : new Forecast(matches(domain + ":*"), LIST_BYTES_PER_MBEAN);
            default:
                return Forecast.NONE;
        }
    }

    private int matches(String pattern) {
        try {
            return server.queryNames(new ObjectName(pattern), null).size();
        } catch (MalformedObjectNameException | RuntimeException e) {
            return 0; // Jolokia answers a malformed name with its own short error
        }
    }

    private static boolean isPattern(String name) {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
    }

    private static String unescape(String json) {
        return json.replace("\\\"", "\"").replace("\\/", "/").replace("\\\\", "\\");
    }

    private static String decode(String segment) {
        try {
            return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8).replace("!/", "/");
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    /**
     * A forecast: the MBeans a request reaches and the least its answer spends on each.
     *
     * @param mbeans       MBeans reached (0: one named MBean, or a kind that is not forecast)
     * @param bytesPerMBean the least the answer spends on one of them
     */
    record Forecast(int mbeans, int bytesPerMBean) {
        static final Forecast NONE = new Forecast(0, 0);

        /** The least the answer will take. */
        long leastBytes() {
            return (long) mbeans * bytesPerMBean;
        }

        /** Whether the request reaches many MBeans: it is built only one at a time per endpoint. */
        boolean wide() {
            return mbeans > 1;
        }
    }
}
