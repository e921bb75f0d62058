package io.portwatch.history;

import io.portwatch.config.NamePattern;

import java.util.regex.Pattern;

/**
 * A path pattern: {@code *} matches any run of characters ({@code /} included), {@code ?} one;
 * everything else literally, case-sensitively (as Linux compares paths). A pattern without
 * {@code /} or {@code \} is matched against the base name as well as the whole path, so
 * {@code libpcap.so*} finds {@code /usr/lib/x86_64-linux-gnu/libpcap.so.1}.
 */
final class PathGlob {

    private final String text;
    private final Pattern regex;
    private final boolean baseNameToo;

    PathGlob(String text) {
        String t = text.trim();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("expecting a path or glob (found \"" + text + "\")");
        }
        this.text = t;
        this.baseNameToo = t.indexOf('/') < 0 && t.indexOf('\\') < 0;
        this.regex = Pattern.compile(NamePattern.globToRegex(t), Pattern.DOTALL);
    }

    boolean matches(String path) {
        if (path == null || path.isEmpty()) {
            return false;
        }
        if (regex.matcher(path).matches()) {
            return true;
        }
        if (baseNameToo) {
            int cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
            return cut >= 0 && regex.matcher(path.substring(cut + 1)).matches();
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
