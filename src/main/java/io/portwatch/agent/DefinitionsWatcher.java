package io.portwatch.agent;

import io.portwatch.config.DefinitionsLoadResult;
import io.portwatch.config.DefinitionsLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * Notices when either definitions file changes (modification time, size, presence), checked once a
 * scan cycle, and loads the directory again when it has.
 */
final class DefinitionsWatcher {

    static final List<String> FILES = List.of("monitoredListeningPorts.csv", "monitoredTcpConnects.csv");

    private final Path directory;
    private String lastSeen = "";

    DefinitionsWatcher(Path directory) {
        this.directory = directory;
    }

    /** Loads the files now and remembers what they looked like. */
    DefinitionsLoadResult load() {
        lastSeen = fingerprint();
        return DefinitionsLoader.load(directory);
    }

    /** True when the files look different from the last {@link #load()}. */
    boolean changed() {
        return !Objects.equals(lastSeen, fingerprint());
    }

    Path directory() {
        return directory;
    }

    private String fingerprint() {
        StringBuilder out = new StringBuilder();
        for (String name : FILES) {
            Path file = directory.resolve(name);
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                out.append(name).append(a.lastModifiedTime().toMillis()).append('/').append(a.size()).append(';');
            } catch (IOException | RuntimeException e) {
                out.append(name).append(" absent;");
            }
        }
        return out.toString();
    }
}
