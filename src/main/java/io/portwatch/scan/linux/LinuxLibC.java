package io.portwatch.scan.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The few libc functions of a netlink socket, bound by {@code Native.load("c", ...)} with the API every JNA 5.x has
 * ({@link Library}, {@link LastErrorException}, {@link Pointer}): an application's own JNA may be older than
 * portwatch's. LP64 only: {@code size_t} and {@code ssize_t} are Java {@code long} ({@link JnaSockDiagChannel} checks).
 */
interface LinuxLibC extends Library {

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;

    long sendto(int fd, Pointer buffer, long length, int flags, Pointer address, int addressLength)
            throws LastErrorException;

    long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;
}
