package io.portwatch.config;

/**
 * Glob matching: {@code *} any run of characters, {@code ?} one, everything else literally, code point
 * by code point. Time is at most the glob's length times the text's, whatever the glob: a regular
 * expression made of a glob ({@code .*a.*a.*b}) backtracks for a time that grows with the text's length
 * to the power of the number of stars, and the texts matched here (process names, executable and module
 * paths) come from the processes of any local user.
 */
public final class Glob {

    private Glob() {
    }

    /** True when the glob matches all of {@code s}. */
    public static boolean matches(String glob, String s) {
        return matches(glob, s, 0);
    }

    /**
     * True when the glob matches {@code s} from {@code from} to its end. The classic wildcard walk: on a
     * mismatch, go back only to the last star and let it take one more code point; an earlier star never
     * needs to take more, as the text after the last star can match anywhere later.
     */
    public static boolean matches(String glob, String s, int from) {
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
}
