package io.portwatch.health;

import io.portwatch.config.NamePattern;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

import java.util.Optional;

/** How the evaluation names and matches socket owners. */
final class Owners {

    private Owners() {
    }

    /** A row's process pattern matches the owner's short name or its executable's base name. */
    static boolean matches(NamePattern pattern, Snapshot snapshot, SocketEntry socket) {
        if (pattern.isAny()) {
            return true;
        }
        Optional<ProcessInfo> owner = snapshot.owner(socket);
        return owner.isPresent() && (pattern.matches(owner.get().name())
                || !owner.get().exeName().isEmpty() && pattern.matches(owner.get().exeName()));
    }

    /** The owner's name, {@link ProcessSockets#UNKNOWN} when it cannot be seen. */
    static String name(Snapshot snapshot, SocketEntry socket) {
        return snapshot.owner(socket).map(ProcessInfo::name).orElse(ProcessSockets.UNKNOWN);
    }

    /** {@code nginx (pid 812)}, or {@code an unknown process} when it cannot be seen. */
    static String describe(Snapshot snapshot, SocketEntry socket) {
        return snapshot.owner(socket).map(p -> p.name() + " (pid " + p.pid() + ")").orElse("an unknown process");
    }
}
