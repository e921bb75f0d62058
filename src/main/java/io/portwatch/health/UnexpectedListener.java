package io.portwatch.health;

import io.portwatch.scan.SocketEntry;

/**
 * A LISTEN (tcp) or bound unconnected (udp) socket that no listening row covers.
 *
 * @param socket  the socket
 * @param process the owner's {@link ProcessSockets#publishedName published name}, {@link ProcessSockets#UNKNOWN}
 *                when it cannot be seen
 */
public record UnexpectedListener(SocketEntry socket, String process) {
}
