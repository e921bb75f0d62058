package io.portwatch.scan;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * What a remote name resolved to: every A and AAAA address, or why there are none.
 *
 * @param addresses the addresses, empty when the name did not resolve
 * @param error     why it did not resolve, "" when it did
 */
public record Resolution(List<InetAddress> addresses, String error) {

    public Resolution {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(error, "error");
    }

    public static Resolution of(List<InetAddress> addresses) {
        return new Resolution(addresses, "");
    }

    public static Resolution failed(String error) {
        return new Resolution(List.of(), error);
    }

    public boolean resolved() {
        return !addresses.isEmpty();
    }
}
