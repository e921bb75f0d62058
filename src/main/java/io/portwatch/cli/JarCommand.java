package io.portwatch.cli;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * {@code java -jar <the jar portwatch runs from>}, for hints a user pastes: the jar's path relative to the current
 * directory when it lies below it ({@code java -jar target/portwatch.jar}), else absolute; {@code portwatch.jar}
 * when portwatch does not run from a jar (classes in a directory, as in tests).
 */
final class JarCommand {

    /** The jar named when portwatch does not run from one. */
    static final String FALLBACK = "portwatch.jar";

    private JarCommand() {
    }

    /** The command for the jar this class was loaded from. */
    static String ofThisJar() {
        CodeSource source = JarCommand.class.getProtectionDomain().getCodeSource();
        return of(source == null ? null : source.getLocation(), Path.of("").toAbsolutePath());
    }

    static String of(URL location, Path currentDirectory) {
        return "java -jar " + jar(location, currentDirectory);
    }

    private static String jar(URL location, Path currentDirectory) {
        if (location == null) {
            return FALLBACK;
        }
        Path jar;
        try {
            jar = Path.of(location.toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return FALLBACK;
        }
        if (!Files.isRegularFile(jar)) {
            return FALLBACK;
        }
        Path shown = jar.startsWith(currentDirectory) ? currentDirectory.relativize(jar) : jar;
        String text = shown.toString();
        return text.chars().allMatch(c -> c > ' ' && c < 0x7f && "'\"\\$`;&|<>()*?[]{}!#~".indexOf(c) < 0)
                ? text : "'" + text.replace("'", "'\\''") + "'"; // pasted into a shell as one word
    }
}
