package io.portwatch.report;

import io.portwatch.scan.Addresses;

import java.net.InetAddress;

/** An address block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or one address. IPv4-mapped IPv6 addresses are IPv4. */
record Cidr(byte[] network, int prefix, String text) {

    /**
     * Parses {@code ADDRESS} or {@code ADDRESS/PREFIX}.
     *
     * @throws IllegalArgumentException {@code expecting an address or address/prefix (found "10.0.0.0/33")}
     */
    static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        InetAddress address;
        int prefix;
        try {
            String literal = slash < 0 ? t : t.substring(0, slash);
            if (!lookupFree(literal)) {
                throw new IllegalArgumentException("not an address literal");
            }
            address = Addresses.parseLiteral(literal);
            int bits = address.getAddress().length * 8;
            String p = slash < 0 ? Integer.toString(bits) : t.substring(slash + 1).trim();
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("bad prefix");
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("prefix too long");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expecting an address or address/prefix (found \"" + text + "\")", e);
        }
        return new Cidr(address.getAddress(), prefix, t);
    }

    boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** True when the address (4 or 16 bytes) is in this block. */
    boolean contains(byte[] a) {
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    /**
     * The bytes of an address literal, parsing dotted IPv4 without allocating an {@link InetAddress} (the
     * common case, row after row); null when the text is no address.
     */
    static byte[] bytes(String text) {
        byte[] v4 = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
            } else if (c == '.' && digits > 0 && part < 3 && value <= 255) {
                v4[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else {
                return slow(text);
            }
        }
        if (part != 3 || digits == 0 || value > 255) {
            return slow(text);
        }
        v4[3] = (byte) value;
        return v4;
    }

    private static byte[] slow(String text) {
        if (!lookupFree(text)) {
            return null;
        }
        try {
            return Addresses.parseLiteral(text).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * True when {@link java.net.InetAddress#getByName} takes the text as a literal or rejects it, without asking
     * DNS: ASCII only, beginning (inside the brackets {@link Addresses#parseLiteral} takes off) with a hex digit
     * or a colon. {@code parseLiteral} lets through Unicode digits ({@code ١.٢.٣.٤}) and a leading {@code .} or
     * {@code %} ({@code .::1}), which the JDK then looks up: one DNS query per row of a report.
     */
    static boolean lookupFree(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty()) {
            return true;
        }
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) >= 0x80) {
                return false;
            }
        }
        char first = t.charAt(0);
        return first == ':' || Character.digit(first, 16) >= 0;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr && ((Cidr) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
