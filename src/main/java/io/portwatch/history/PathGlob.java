package io.portwatch.history;

/**
 * A path pattern: {@code *} matches any run of characters ({@code /} included), {@code ?} one;
 * everything else literally, case-sensitively (as Linux compares paths). A pattern without
 * {@code /} or {@code \} is matched against the base name as well as the whole path, so
 * {@code libpcap.so*} finds {@code /usr/lib/x86_64-linux-gnu/libpcap.so.1}.
 *
 * <p>Matching takes time proportional to at most the pattern's length times the path's, whatever the
 * pattern: a regular expression made of the glob ({@code .*a.*a.*b}) backtracks for a time that grows
 * with the path's length to the power of the number of stars, and paths come from the processes of
 * any local user.
 */
final class PathGlob {

    private final String text;
    private final boolean baseNameToo;

    PathGlob(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expecting a path or glob (found \"" + text + "\")");
        }
        this.text = t;
        this.baseNameToo = t.indexOf('/') < 0 && t.indexOf('\\') < 0;
    }

    boolean matches(String path) {
        if (path == null || path.isEmpty()) {
            return false;
        }
        if (matches(text, path, 0)) {
            return true;
        }
        if (baseNameToo) {
            int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
            return cut >= 0 && matches(text, path, cut + 1);
        }
        return false;
    }

    /**
     * True when the glob matches {@code s} from {@code from} to its end, code point by code point. The classic
     * wildcard walk: on a mismatch, go back only to the last star and let it take one more code point; an
     * earlier star never needs to take more, as the text after the last star can match anywhere later.
     */
    static boolean matches(String glob, String s, int from) {
        int g = 0;
        int i = from;
        int star = -1;
        int starAt = 0;
        while (i < s.length()) {
            int c = s.codePointAt(i);
            if (g < glob.length()) {
                int p = glob.codePointAt(g);
                if (p == '*') {
                    star = ++g;
                    starAt = i;
                    continue;
                }
                if (p == '?' || p == c) {
                    g += Character.charCount(p);
                    i += Character.charCount(c);
                    continue;
                }
            }
            if (star < 0) {
                return false;
            }
            g = star;
            starAt += Character.charCount(s.codePointAt(starAt));
            i = starAt;
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    @Override
    public String toString() {
        return text;
    }
}
