package io.portwatch.scan;

import java.time.Instant;
import java.util.Objects;

/**
 * What portwatch knows of a socket's owning process. Any field but {@code pid} and {@code name}
 * may be empty when the OS does not tell (another user's process, a kernel thread).
 *
 * @param pid         process id
 * @param name        short process name ({@code /proc/PID/comm} on Linux, the image name on Windows)
 * @param exeName     base name of the executable ({@code java}, {@code sshd}), "" when unknown
 * @param user        user name owning the process, "" when unknown
 * @param exePath     full path of the executable, "" when unknown
 * @param commandLine command line, arguments separated by spaces, "" when unknown
 * @param startedAt   process start time, {@code null} when unknown
 */
public record ProcessInfo(int pid, String name, String exeName, String user, String exePath, String commandLine,
                          Instant startedAt) {

    public ProcessInfo {
        Objects.requireNonNull(name, "name");
        exeName = exeName == null ? "" : exeName;
        user = user == null ? "" : user;
        exePath = exePath == null ? "" : exePath;
        commandLine = commandLine == null ? "" : commandLine;
    }
}
