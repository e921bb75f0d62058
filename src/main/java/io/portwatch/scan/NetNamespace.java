package io.portwatch.scan;

import java.util.Objects;

/**
 * A network namespace a socket lives in (docs/design.md §2 {@code netns}): one shared object per namespace, which
 * every socket of it refers to, so that 200k sockets hold a reference each and no text.
 *
 * @param inode the namespace's inode ({@code /proc/PID/ns/net -> net:[INODE]}), 0 when unknown
 * @param name  the name users type: the {@code ip netns} name, {@code container:<12 hex>}, {@code pod:<uid>},
 *              {@code net:[<inode>]}, or {@code host} for portwatch's own namespace when it is pid 1's
 * @param own   true for portwatch's own namespace ("this host", what a row without {@code netns} is about)
 */
public record NetNamespace(long inode, String name, boolean own) {

    /**
     * portwatch's own namespace when nothing more is known of it: every socket of a platform or a
     * source that does not tell namespaces apart lives here.
     */
    public static final NetNamespace OWN = new NetNamespace(0, "host", true);

    public NetNamespace {
        Objects.requireNonNull(name, "name");
        if (inode < 0) {
            throw new IllegalArgumentException("namespace inode < 0: " + inode);
        }
    }

    /** {@code net:[4026531840]}, the name of a namespace nothing else names. */
    public static String inodeName(long inode) {
        return "net:[" + inode + "]";
    }

    @Override
    public String toString() {
        return name;
    }
}
