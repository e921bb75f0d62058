package io.portwatch.history;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The code a process has loaded: the seam between the process file and the OS. */
@FunctionalInterface
public interface ProcessModules {

    /** Distinct paths of the shared objects and jars the process has loaded, sorted; empty when they cannot be read. */
    List<String> of(int pid);

    /** None known (platforms where reading modules is not implemented). */
    ProcessModules NONE = pid -> List.of();

    /** {@code /proc} where there is one (Linux), else {@link #NONE}. */
    static ProcessModules forThisHost() {
        Path proc = Path.of("/proc");
        return Files.isReadable(proc.resolve("self").resolve("maps")) ? new LinuxProcessModules(proc) : NONE;
    }
}
