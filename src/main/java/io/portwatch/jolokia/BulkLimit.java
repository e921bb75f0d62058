package io.portwatch.jolokia;

import io.portwatch.config.SettingKey;

/**
 * Refuses a Jolokia bulk request (a JSON array of requests in a POST body) of more than a set number
 * of requests, before Jolokia parses it: each request may run an MBean getter or {@code scanNow}, so
 * one body must not hold thousands. Counts the top-level elements of the array with a scan that
 * knows strings and nesting, nothing else; whatever is not an array is left to Jolokia to judge.
 */
final class BulkLimit {

    private final int max;

    BulkLimit(int max) {
        this.max = max;
    }

    /** Why the body is refused, or null. */
    String refusal(byte[] body) {
        int count = topLevelElements(body, max + 1);
        if (count > max) {
            return "A bulk request may hold at most " + max + " requests (" + SettingKey.JOLOKIA_MAX_BULK_REQUESTS.key()
                    + "); this one holds more";
        }
        return null;
    }

    /**
     * The number of elements of the top-level JSON array in {@code body}, counting stops at {@code stopAt};
     * 0 when the body is not an array.
     */
    static int topLevelElements(byte[] body, int stopAt) {
        int i = 0;
        while (i < body.length && isSpace(body[i])) {
            i++;
        }
        if (i == body.length || body[i] != '[') {
            return 0;
        }
        int depth = 0;
        int count = 0;
        boolean inString = false;
        boolean elementOpen = false;
        for (; i < body.length; i++) {
            byte b = body[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                continue;
            }
            if (depth == 1 && !elementOpen && !isSpace(b) && b != ',' && b != ']') {
                elementOpen = true;
                if (++count >= stopAt) {
                    return count;
                }
            }
            switch (b) {
                case '"' -> inString = true;
                case '[', '{' -> depth++;
                case ']', '}' -> {
                    depth--;
                    if (depth == 0) {
                        return count;
                    }
                }
                case ',' -> {
                    if (depth == 1) {
                        elementOpen = false;
                    }
                }
                default -> {
                }
            }
        }
        return count;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
