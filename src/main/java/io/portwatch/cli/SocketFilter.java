package io.portwatch.cli;

import io.portwatch.config.NamePattern;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;

import java.util.Optional;

/**
 * The {@code connections} filters: process glob, port (local or remote), address glob (local or
 * remote), protocol and state. Empty parts match everything.
 */
record SocketFilter(NamePattern process, Optional<Integer> port, NamePattern address, Optional<Protocol> protocol,
                    Optional<SocketState> state) {

    static final SocketFilter ALL = new SocketFilter(NamePattern.ANY, Optional.empty(), NamePattern.ANY,
            Optional.empty(), Optional.empty());

    boolean test(SocketEntry s, Snapshot snapshot) {
        if (protocol.isPresent() && s.protocol() != protocol.get()) {
            return false;
        }
        if (state.isPresent() && s.state() != state.get()) {
            return false;
        }
        if (port.isPresent() && s.localPort() != port.get() && s.remotePort() != port.get()) {
            return false;
        }
        if (!address.isAny() && !address.matches(Addresses.format(s.localAddress()))
                && !address.matches(Addresses.format(s.remoteAddress()))) {
            return false;
        }
        return process.isAny() || snapshot.owner(s).map(process::matchesOwner).orElse(false);
    }
}
