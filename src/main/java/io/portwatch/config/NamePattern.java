package io.portwatch.config;

import io.portwatch.scan.ProcessInfo;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A process or host name as written in a definitions file: exact, case-insensitive, with {@code *}
 * and {@code ?} globs, a trailing {@code .exe} ignored on both sides. Never a substring match:
 * {@code java} does not match {@code javaw}. Empty or {@code *} matches anything.
 */
public final class NamePattern {

    /** Matches every name. */
    public static final NamePattern ANY = new NamePattern("*");

    private final String text;
    private final Pattern regex;

    private NamePattern(String text) {
        this.text = text;
        this.regex = Pattern.compile(globToRegex(stripExe(text)), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    /** The pattern for a field value; empty and {@code *} give {@link #ANY}. */
    public static NamePattern of(String text) {
        String t = text == null ? "" : text.trim();
        return t.isEmpty() || t.equals("*") ? ANY : new NamePattern(t);
    }

    public boolean isAny() {
        return this == ANY;
    }

    /** True when the whole name matches; {@code null} never matches (except for {@link #ANY}). */
    public boolean matches(String name) {
        if (isAny()) {
            return true;
        }
        return name != null && regex.matcher(stripExe(name)).matches();
    }

    /** True when the owner's short name or its executable's base name matches (DESIGN §2 procName). */
    public boolean matchesOwner(ProcessInfo owner) {
        return isAny() || matches(owner.name()) || !owner.exeName().isEmpty() && matches(owner.exeName());
    }

    /** The pattern as written, {@code *} for any. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NamePattern && ((NamePattern) o).text.equalsIgnoreCase(text);
    }

    @Override
    public int hashCode() {
        return text.toLowerCase(Locale.ROOT).hashCode();
    }

    private static String stripExe(String name) {
        return name.regionMatches(true, Math.max(0, name.length() - 4), ".exe", 0, 4) && name.length() > 4
                ? name.substring(0, name.length() - 4) : name;
    }

    /** A regular expression for a glob: {@code *} any run of characters, {@code ?} one, the rest literal. */
    public static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return re.toString();
    }
}
