package io.portwatch.config;

/**
 * An exact port ({@code 80}) or an inclusive range ({@code 8000-8010}) of ports 1–65535; {@link #ANY}
 * for an empty or {@code *} field. Numbers compare exactly: 80 never matches 8080.
 */
public record PortRange(int low, int high) {

    /** Every port. */
    public static final PortRange ANY = new PortRange(0, 65535);

    public PortRange {
        if (low < 0 || high > 65535 || low > high) {
            throw new IllegalArgumentException("bad port range " + low + "-" + high);
        }
    }

    /**
     * Parses a field value.
     *
     * @throws IllegalArgumentException with the message users see, e.g.
     *         {@code expecting 1-65535 (found "80a")}
     */
    public static PortRange parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equals("*")) {
            return ANY;
        }
        int dash = t.indexOf('-');
        if (dash > 0) {
            int lo = port(t.substring(0, dash), text);
            int hi = port(t.substring(dash + 1), text);
            if (lo > hi) {
                throw new IllegalArgumentException("expecting a range low-high with low <= high (found \"" + text + "\")");
            }
            return new PortRange(lo, hi);
        }
        int p = port(t, text);
        return new PortRange(p, p);
    }

    private static int port(String part, String whole) {
        String p = part.trim();
        if (p.isEmpty() || p.length() > 5 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expecting 1-65535 (found \"" + whole + "\")");
        }
        int value = Integer.parseInt(p);
        if (value < 1 || value > 65535) {
            throw new IllegalArgumentException("expecting 1-65535 (found \"" + whole + "\")");
        }
        return value;
    }

    public boolean isAny() {
        return this.equals(ANY);
    }

    public boolean contains(int port) {
        return port >= low && port <= high;
    }

    /** {@code 80}, {@code 8000-8010} or {@code *}. */
    @Override
    public String toString() {
        return isAny() ? "*" : low == high ? Integer.toString(low) : low + "-" + high;
    }
}
