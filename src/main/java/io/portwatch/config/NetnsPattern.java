package io.portwatch.config;

import io.portwatch.scan.NetNamespace;

import java.util.Objects;

/**
 * The {@code netns} column of a definitions row (docs/design.md §2): empty means portwatch's own namespace ("this
 * host", what a NetstatWatcher file always meant), {@code *} any namespace, anything else a glob on the
 * namespace's name ({@code ip netns} name, {@code container:<12 hex>}, {@code pod:<uid>}, {@code net:[<inode>]},
 * {@code host}), case-sensitive as the names are.
 */
public final class NetnsPattern {

    /** portwatch's own namespace: the empty column. */
    public static final NetnsPattern OWN = new NetnsPattern("");
    /** Every namespace: {@code *}. */
    public static final NetnsPattern ANY = new NetnsPattern("*");

    private final String text;

    private NetnsPattern(String text) {
        this.text = text;
    }

    /** The pattern of a column value: empty gives {@link #OWN}, {@code *} gives {@link #ANY}. */
    public static NetnsPattern of(String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            return OWN;
        }
        return t.equals("*") ? ANY : new NetnsPattern(t);
    }

    /** True for the empty column: the row is about portwatch's own namespace. */
    public boolean isOwn() {
        return this == OWN;
    }

    /** True when a socket of {@code ns} is in the row's namespace. */
    public boolean matches(NetNamespace ns) {
        if (this == OWN) {
            return ns.own();
        }
        return this == ANY || Glob.matches(text, ns.name());
    }

    /** The column as written: "" for the own namespace, {@code *} for any. */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetnsPattern && ((NetnsPattern) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(text);
    }
}
