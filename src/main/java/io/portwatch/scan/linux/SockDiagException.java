package io.portwatch.scan.linux;

import java.io.IOException;

/**
 * A {@code sock_diag} dump that failed: the kernel answered with an error ({@link #errno()} is its {@code errno}),
 * or the answer is not a well-formed dump ({@link #errno()} is 0). The message names the dump
 * ({@code sock_diag dump of udp/ipv6: EOPNOTSUPP (errno 95)}) and, for a malformed answer, the offset.
 */
final class SockDiagException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    SockDiagException(SockDiagDump dump, String detail, int errno) {
        super("sock_diag dump of " + dump.label() + ": " + detail);
        this.errno = errno;
    }

    /** The kernel's error number, 0 when the answer was malformed rather than an error. */
    int errno() {
        return errno;
    }

    /**
     * True when the kernel cannot dump this protocol at all (no {@code udp_diag} module): {@code ENOENT},
     * {@code EOPNOTSUPP} or {@code EINVAL}, as kernels of different ages answer.
     */
    boolean protocolUnsupported() {
        return errno == Errno.ENOENT || errno == Errno.EOPNOTSUPP || errno == Errno.EINVAL;
    }
}
