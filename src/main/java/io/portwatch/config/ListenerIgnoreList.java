package io.portwatch.config;

import io.portwatch.scan.Protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code unexpectedListeners.ignore} setting: listeners never reported as unexpected. Entries
 * are separated by commas or spaces; {@code tcp:22}, {@code udp:5353}, {@code udp:*} or
 * {@code tcp:8000-8010} name a protocol and port, anything else is a process-name glob
 * ({@code chronyd}, {@code systemd-*}).
 */
public final class ListenerIgnoreList {

    /** Ignores nothing. */
    public static final ListenerIgnoreList NONE = new ListenerIgnoreList(List.of(), List.of(), List.of());

    private final List<Protocol> portProtocols;
    private final List<PortRange> ports;
    private final List<NamePattern> processes;

    private ListenerIgnoreList(List<Protocol> portProtocols, List<PortRange> ports, List<NamePattern> processes) {
        this.portProtocols = List.copyOf(portProtocols);
        this.ports = List.copyOf(ports);
        this.processes = List.copyOf(processes);
    }

    /**
     * Parses the setting's value.
     *
     * @throws IllegalArgumentException naming the entry that is wrong
     */
    public static ListenerIgnoreList parse(String text) {
        List<Protocol> protocols = new ArrayList<>();
        List<PortRange> ranges = new ArrayList<>();
        List<NamePattern> names = new ArrayList<>();
        for (String entry : text.trim().split("[,\\s]+")) {
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            String prefix = colon > 0 ? entry.substring(0, colon).toLowerCase(Locale.ROOT) : "";
            if (prefix.equals("tcp") || prefix.equals("udp")) {
                try {
                    ranges.add(PortRange.parse(entry.substring(colon + 1)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("entry \"" + entry + "\": " + e.getMessage(), e);
                }
                protocols.add(Protocol.parse(prefix));
            } else if (colon >= 0) {
                throw new IllegalArgumentException(
                        "entry \"" + entry + "\": expecting tcp:PORT, udp:PORT or a process name");
            } else {
                names.add(NamePattern.of(entry));
            }
        }
        return new ListenerIgnoreList(protocols, ranges, names);
    }

    /** True when a listener of that protocol, port and owning process name is to be ignored. */
    public boolean ignores(Protocol protocol, int port, String processName) {
        for (int i = 0; i < ports.size(); i++) {
            if (portProtocols.get(i) == protocol && ports.get(i).contains(port)) {
                return true;
            }
        }
        for (NamePattern p : processes) {
            if (p.matches(processName)) {
                return true;
            }
        }
        return false;
    }
}
