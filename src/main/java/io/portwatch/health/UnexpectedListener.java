package io.portwatch.health;

import io.portwatch.scan.SocketEntry;

/**
 * A LISTEN (tcp) or bound unconnected (udp) socket that no listening row covers.
 *
 * @param socket  the socket
 * @param process the owner's {@link ProcessSockets#publishedName published name}, {@link ProcessSockets#UNKNOWN}
 *                when it cannot be seen
 * @param user    the owner's user name, empty when it cannot be seen (then the socket's uid tells whose it is)
 */
public record UnexpectedListener(SocketEntry socket, String process, String user) {

    public UnexpectedListener {
        user = user == null ? "" : user;
    }

    /** An unexpected listener whose owner's user is not known. */
    public UnexpectedListener(SocketEntry socket, String process) {
        this(socket, process, "");
    }
}
