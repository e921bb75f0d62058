package io.portwatch.scan.linux;

/**
 * Names of the Linux {@code errno} values a netlink socket may report (the generic numbering that x86-64 and
 * aarch64 share), for messages: {@code EPERM (errno 1)}. A number without a name here is printed alone.
 */
final class Errno {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int EPROTONOSUPPORT = 93;
    static final int EOPNOTSUPP = 95;
    static final int EAFNOSUPPORT = 97;

    private Errno() {
    }

    /** {@code EOPNOTSUPP (errno 95)}, or {@code errno 4711} for a number without a name here. */
    static String describe(int errno) {
        String name = name(errno);
        return name == null ? "errno " + errno : name + " (errno " + errno + ")";
    }

    /** The symbolic name, null when unknown here. */
    static String name(int errno) {
        switch (errno) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case 3: return "ESRCH";
            case EINTR: return "EINTR";
            case 5: return "EIO";
            case 9: return "EBADF";
            case EAGAIN: return "EAGAIN";
            case 12: return "ENOMEM";
            case 13: return "EACCES";
            case 14: return "EFAULT";
            case 16: return "EBUSY";
            case EINVAL: return "EINVAL";
            case 23: return "ENFILE";
            case 24: return "EMFILE";
            case 38: return "ENOSYS";
            case 88: return "ENOTSOCK";
            case 90: return "EMSGSIZE";
            case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
            case 94: return "ESOCKTNOSUPPORT";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case EAFNOSUPPORT: return "EAFNOSUPPORT";
            case 105: return "ENOBUFS";
            case 111: return "ECONNREFUSED";
            default: return null;
        }
    }
}
