package io.portwatch.report;

import io.portwatch.config.Glob;

/**
 * A path pattern: {@code *} matches any run of characters ({@code /} included), {@code ?} one;
 * everything else literally, case-sensitively (as Linux compares paths). A pattern without
 * {@code /} or {@code \} is matched against the base name as well as the whole path, so
 * {@code libpcap.so*} finds {@code /usr/lib/x86_64-linux-gnu/libpcap.so.1}.
 *
 * <p>Matching takes time proportional to at most the pattern's length times the path's ({@link Glob}).
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
        if (Glob.matches(text, path, 0)) {
            return true;
        }
        if (baseNameToo) {
            int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
            return cut >= 0 && Glob.matches(text, path, cut + 1);
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
