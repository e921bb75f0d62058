package io.portwatch.jolokia;

import io.portwatch.config.SettingKey;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * Where each top-level element of the JSON array in {@code body} starts and ends ({@code [start, end)}, spaces
     * around it excluded), or null when the body is not a JSON array whose end is found. Scans as
     * {@link #topLevelElements} does; whether each element is valid JSON is left to Jolokia.
     */
    static List<int[]> elements(byte[] body) {
        int i = 0;
        while (i < body.length && isSpace(body[i])) {
            i++;
        }
        if (i == body.length || body[i] != '[') {
            return null;
        }
        List<int[]> elements = new ArrayList<>();
        int depth = 0;
        int start = -1;
        int last = -1; // the last byte of the open element that is not a space
        boolean inString = false;
        for (; i < body.length; i++) {
            byte b = body[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
                last = Math.min(i, body.length - 1);
                continue;
            }
            if (depth == 1 && b == ',' || depth == 1 && b == ']') {
                if (start >= 0) {
                    elements.add(new int[]{start, last + 1});
                    start = -1;
                }
                if (b == ']') {
                    return elements;
                }
                continue;
            }
            if (depth >= 1 && !isSpace(b)) {
                if (depth == 1 && start < 0) {
                    start = i;
                }
                last = i;
            }
            switch (b) {
                case '"' -> inString = true;
                case '[', '{' -> depth++;
                case ']', '}' -> depth--;
                default -> {
                }
            }
        }
        return null;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
