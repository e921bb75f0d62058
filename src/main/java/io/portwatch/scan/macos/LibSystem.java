package io.portwatch.scan.macos;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few libSystem functions the macOS source calls ({@code <libproc.h>}, {@code <pwd.h>},
 * {@code <sys/sysctl.h>}). Own binding rather than jna-platform's {@code SystemB}: it needs
 * {@code proc_name} and {@code getpwuid_r}, which {@code SystemB} lacks, and it depends on nothing an
 * application's older jna-platform could change. macOS is LP64 only: {@code size_t} is a Java
 * {@code long}.
 */
public interface LibSystem extends Library {

    int PROC_ALL_PIDS = 1;
    int PROC_PIDLISTFDS = 1;
    int PROC_PIDTBSDINFO = 3;
    int PROC_PIDFDSOCKETINFO = 3;
    int PROX_FDTYPE_SOCKET = 2;
    /** {@code PROC_PIDPATHINFO_MAXSIZE} = 4 * MAXPATHLEN. */
    int PROC_PIDPATHINFO_MAXSIZE = 4096;

    /** Fills {@code buffer} with pids; returns the bytes written, or needed when {@code buffer} is null. */
    int proc_listpids(int type, int typeinfo, int[] buffer, int buffersize);

    /** Returns the bytes written, or 0/-1 with errno set. */
    int proc_pidinfo(int pid, int flavor, long arg, Pointer buffer, int buffersize);

    /** Returns the bytes written, or 0/-1 with errno set. */
    int proc_pidfdinfo(int pid, int fd, int flavor, Pointer buffer, int buffersize);

    /** Returns the length of the name written. */
    int proc_name(int pid, byte[] buffer, int buffersize);

    /** Returns the length of the path written. */
    int proc_pidpath(int pid, byte[] buffer, int buffersize);

    /**
     * Reads a sysctl by name; with {@code oldp} null, stores the size needed in {@code oldlenp}.
     * Returns 0, or -1 with errno set.
     */
    int sysctlbyname(String name, Pointer oldp, LongByReference oldlenp, Pointer newp, long newlen);

    /** Returns 0 on success ({@code result} null when no such user), an errno otherwise. */
    int getpwuid_r(int uid, Pointer pwd, Pointer buf, long buflen, PointerByReference result);
}
