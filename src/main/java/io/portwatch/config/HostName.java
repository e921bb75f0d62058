package io.portwatch.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's name, as the {@code host} column and NetstatWatcher keys see it; never a DNS lookup on Linux. */
public final class HostName {

    private HostName() {
    }

    /** The {@code host} setting when given, else the OS host name. */
    public static String of(Settings settings) {
        String configured = settings.get(SettingKey.HOST);
        return configured.isBlank() ? detect() : configured.trim();
    }

    /** {@code /proc/sys/kernel/hostname}, {@code COMPUTERNAME}, {@code HOSTNAME}, then the JDK's answer. */
    public static String detect() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                String name = Files.readString(kernel, StandardCharsets.UTF_8).trim();
                if (!name.isEmpty()) {
                    return name;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the next way
        }
        for (String variable : new String[] {"COMPUTERNAME", "HOSTNAME"}) {
            String name = System.getenv(variable);
            if (name != null && !name.isBlank()) {
                return name.trim();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
