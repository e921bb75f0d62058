package io.portwatch.scan;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Helpers for the address forms portwatch reads and prints. */
public final class Addresses {

    private static final InetAddress ANY4 = fromBytes(new byte[4]);
    private static final InetAddress ANY6 = fromBytes(new byte[16]);

    private Addresses() {
    }

    /** {@code 0.0.0.0}. */
    public static InetAddress anyIPv4() {
        return ANY4;
    }

    /** {@code ::}. */
    public static InetAddress anyIPv6() {
        return ANY6;
    }

    /**
     * The address for raw bytes (4 or 16). IPv4-mapped IPv6 addresses become their IPv4 form, as
     * {@link InetAddress#getByAddress(byte[])} does; no name lookup happens.
     */
    public static InetAddress fromBytes(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("address must have 4 or 16 bytes, found " + raw.length, e);
        }
    }

    /**
     * Parses an IPv4 or IPv6 literal without any name lookup.
     *
     * @throws IllegalArgumentException when the text is not an address literal
     */
    public static InetAddress parseLiteral(String text) {
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (t.isEmpty() || !(isIPv4Literal(t) || isIPv6Literal(t))) {
            throw new IllegalArgumentException("expecting an IPv4 or IPv6 address (found \"" + text + "\")");
        }
        try {
            return InetAddress.getByName(t); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("expecting an IPv4 or IPv6 address (found \"" + text + "\")", e);
        }
    }

    private static boolean isIPv4Literal(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIPv6Literal(String t) {
        if (!t.contains(":")) {
            return false;
        }
        String body = t.contains("%") ? t.substring(0, t.indexOf('%')) : t;
        String zone = t.contains("%") ? t.substring(t.indexOf('%') + 1) : "";
        // ASCII only: InetAddress.getByName looks up anything it does not take for a literal (Unicode digits, ".::1")
        return !body.isEmpty() && body.charAt(0) != '.' && body.chars().allMatch(Addresses::isIPv6Char)
                && zone.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                        || c == '_' || c == '-' || c == '.');
    }

    private static boolean isIPv6Char(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.';
    }

    /** True for {@code 0.0.0.0} and {@code ::}. */
    public static boolean isWildcard(InetAddress address) {
        return address.isAnyLocalAddress();
    }

    /** {@code 10.0.0.1}, or {@code fe80::1} without brackets; never a host name. */
    public static String format(InetAddress address) {
        String text = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int percent = text.indexOf('%');
            String bare = percent >= 0 ? text.substring(0, percent) : text;
            return compressIPv6(bare) + (percent >= 0 ? text.substring(percent) : "");
        }
        return text;
    }

    /** {@code 10.0.0.1:80} or {@code [::1]:80}. */
    public static String format(InetAddress address, int port) {
        return format(format(address), port);
    }

    /** {@code 10.0.0.1:80}, {@code [::1]:80} for an address as written (one with a colon is IPv6), {@code host:80}. */
    public static String format(String address, int port) {
        return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
    }

    /** Shortens {@code 0:0:0:0:0:0:0:1} to {@code ::1} (RFC 5952: longest run of zero groups). */
    static String compressIPv6(String full) {
        String[] groups = full.split(":");
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (Integer.parseInt(groups[i], 16) == 0) {
                int j = i;
                while (j < 8 && Integer.parseInt(groups[j], 16) == 0) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            out.append(Integer.toHexString(Integer.parseInt(groups[i], 16)));
            if (i < 7) {
                out.append(':');
            }
        }
        return out.toString();
    }
}
