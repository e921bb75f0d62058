package io.portwatch.jolokia;

/**
 * Repairs the {@code \}{@code u} escapes of Jolokia's JSON writer (2.6.0) in place. It writes a control character
 * as {@code \}{@code u00} followed by two "hex digits" made as {@code '0' + n}, so 0x0b comes out as
 * {@code \}{@code u000;} and 0x1b (ESC) as {@code \}{@code u001;}: invalid JSON, and a client's parser fails on
 * the whole answer. Digits past {@code 9} are {@code :;<=>?}; they become {@code a}-{@code f}, same length, so the
 * answer's size does not change. Every other character of a JSON text is left alone: a backslash occurs only in
 * strings, always as the first of an escape pair, so reading pairs from the start finds every {@code \}{@code u}.
 */
final class JsonEscapes {

    private JsonEscapes() {
    }

    /** Repairs {@code json[0, length)}. */
    static void repair(byte[] json, int length) {
        for (int i = 0; i < length; i++) {
            if (json[i] != '\\') {
                continue;
            }
            if (i + 1 < length && json[i + 1] == 'u') {
                for (int d = i + 2; d < Math.min(i + 6, length); d++) {
                    if (json[d] >= ':' && json[d] <= '?') {
                        json[d] = (byte) ('a' + (json[d] - ':'));
                    }
                }
                i += 5;
            } else {
                i++; // the escaped character, whatever it is
            }
        }
    }
}
