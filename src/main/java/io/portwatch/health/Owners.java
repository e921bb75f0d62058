package io.portwatch.health;

import io.portwatch.config.NamePattern;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;

/** How the evaluation names and matches socket owners. */
final class Owners {

    private Owners() {
    }

    /** A row's process pattern matches the owner's short name or its executable's base name. */
    static boolean matches(NamePattern pattern, Snapshot snapshot, SocketEntry socket) {
        if (pattern.isAny()) {
            return true;
        }
        return snapshot.owner(socket).map(pattern::matchesOwner).orElse(false);
    }

    /** The owner's name, {@link ProcessSockets#UNKNOWN} when it cannot be seen. */
    static String name(Snapshot snapshot, SocketEntry socket) {
        return snapshot.owner(socket).map(ProcessInfo::name).orElse(ProcessSockets.UNKNOWN);
    }

    /**
     * The owner's {@link ProcessSockets#publishedName published name}, {@link ProcessSockets#UNKNOWN} when it
     * cannot be seen.
     */
    static String publishedName(Snapshot snapshot, SocketEntry socket) {
        return snapshot.owner(socket).map(p -> ProcessSockets.publishedName(p.name())).orElse(ProcessSockets.UNKNOWN);
    }

    /** {@code nginx (pid 812)}, or {@code an unknown process} when it cannot be seen. */
    static String describe(Snapshot snapshot, SocketEntry socket) {
        return snapshot.owner(socket).map(Owners::describe).orElse("an unknown process");
    }

    /** {@code nginx (pid 812)}. */
    static String describe(ProcessInfo process) {
        return process.name() + " (pid " + process.pid() + ")";
    }
}
