package io.portwatch.config;

import io.portwatch.scan.ProcessInfo;

import java.util.Locale;

/**
 * A process or host name as written in a definitions file: exact, case-insensitive, with {@code *}
 * and {@code ?} globs, a trailing {@code .exe} ignored on both sides. Never a substring match:
 * {@code java} does not match {@code javaw}. Empty or {@code *} matches anything. Matching takes
 * linear-ish time whatever the glob ({@link Glob}): names come from the processes of any local user.
 */
public final class NamePattern {

    /** Matches every name. */
    public static final NamePattern ANY = new NamePattern("*");

    private final String text;
    private final String glob; // lower case, .exe stripped

    private NamePattern(String text) {
        this.text = text;
        this.glob = stripExe(text).toLowerCase(Locale.ROOT);
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
        return name != null && Glob.matches(glob, stripExe(name).toLowerCase(Locale.ROOT));
    }

    /** True when the owner's short name or its executable's base name matches (docs/design.md §2 procName). */
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
}
