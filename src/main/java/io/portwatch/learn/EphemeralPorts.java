package io.portwatch.learn;

import io.portwatch.config.PortRange;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The ports the OS hands out to client sockets: {@code /proc/sys/net/ipv4/ip_local_port_range} on Linux (it applies
 * to IPv6 too), else the IANA dynamic range 49152-65535 that Windows and macOS use by default.
 */
public final class EphemeralPorts {

    /** Linux's file of the range: two numbers, e.g. {@code 32768\t60999}. */
    public static final Path LINUX_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** The IANA dynamic range, Windows' and macOS' default. */
    public static final PortRange IANA_DYNAMIC = new PortRange(49152, 65535);

    private EphemeralPorts() {
    }

    /** This host's range; the IANA range when it cannot be read. */
    public static PortRange ofThisHost() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return IANA_DYNAMIC;
        }
        try {
            byte[] bytes = Files.readAllBytes(LINUX_RANGE); // a procfs file of a few bytes
            return parse(new String(bytes, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return IANA_DYNAMIC;
        }
    }

    /** {@code "32768\t60999\n"} as a range; IllegalArgumentException when it is not two ports, low to high. */
    static PortRange parse(String text) {
        String[] parts = text.strip().split("\\s+");
        if (parts.length != 2) {
            throw new IllegalArgumentException("expecting two port numbers (found \"" + text.strip() + "\")");
        }
        return PortRange.parse(parts[0] + "-" + parts[1]);
    }
}
