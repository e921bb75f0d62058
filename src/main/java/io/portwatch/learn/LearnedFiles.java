package io.portwatch.learn;

import io.portwatch.config.DefinitionsLoader;
import io.portwatch.scan.Addresses;
import io.portwatch.support.ReplacedFile;
import io.portwatch.text.Csv;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link Baseline} as the two definitions files, in the NetstatWatcher format with a comment header that
 * explains how to edit them; each row's comment says when and on which host it was learned. An existing file is
 * never replaced unless asked ({@code force}); a replaced file is swapped in whole (written beside, then moved).
 */
public final class LearnedFiles {

    /** The header of the listening file: NetstatWatcher's columns. */
    static final String LISTENING_HEADER = "ipProtocol,localIP,localPort,procName,comment";
    /** The header of the connections file: NetstatWatcher's columns and the expected count. */
    static final String CONNECTIONS_HEADER = "remoteIP,remoteName,remotePort,procName,comment,minCount";

    private LearnedFiles() {
    }

    /** The text of {@code monitoredListeningPorts.csv}. */
    static String listening(Baseline baseline, String learned) {
        StringBuilder text = new StringBuilder();
        text.append("# portwatch: ports that must be listening on this host, learned ").append(learned).append(".\n")
                .append("# Every row is expected from now on: a port that stops listening turns its row RED, another\n")
                .append("# owner or another address YELLOW. Delete the rows you do not care about, add the ones that\n")
                .append("# were down when this was learned, and write why in the comment.\n")
                .append("# localIP: 0.0.0.0 or :: means the port must listen on every address; empty means any address.\n")
                .append("# procName: exact and case-insensitive, * and ? globs; empty means any process.\n")
                .append("# Check the file with: java -jar portwatch.jar validate --definitions=DIR\n")
                .append(LISTENING_HEADER).append('\n');
        for (Baseline.Listener l : baseline.listening()) {
            text.append(Csv.line(l.protocol().label(), Addresses.format(l.address()), l.port(), l.process(),
                    comment(learned, l.hidden())));
        }
        return text.toString();
    }

    /** The text of {@code monitoredTcpConnects.csv}; without learned connections, the header and how to learn them. */
    static String connections(Baseline baseline, String learned, boolean asked) {
        StringBuilder text = new StringBuilder();
        text.append("# portwatch: TCP connections that must be ESTABLISHED from this host, learned ").append(learned)
                .append(".\n")
                .append("# One row per remote address and port a process held ESTABLISHED; minCount is how many\n")
                .append("# connections must be up (raise it for a pool, add maxCount for an upper bound). A row with\n")
                .append("# none ESTABLISHED is RED. Replace remoteIP by remoteName to follow a host name's addresses.\n");
        if (!asked) {
            text.append("# No connections were learned: run learn with --connections to fill this file.\n");
        }
        text.append(CONNECTIONS_HEADER).append('\n');
        for (Baseline.Connection c : baseline.connections()) {
            text.append(Csv.line(Addresses.format(c.remote()), "", c.remotePort(), c.process(),
                    comment(learned, c.hidden()), 1));
        }
        return text.toString();
    }

    /**
     * Writes both files into {@code directory} (created when missing) and returns the paths written. Without
     * {@code force}, nothing is written when either file exists (FileAlreadyExistsException naming it).
     */
    public static List<Path> write(Path directory, Baseline baseline, String learned, boolean connectionsAsked,
                                   boolean force) throws IOException {
        Path listening = directory.resolve(DefinitionsLoader.LISTENING_FILE);
        Path connections = directory.resolve(DefinitionsLoader.CONNECTIONS_FILE);
        if (!force) {
            for (Path p : List.of(listening, connections)) {
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new FileAlreadyExistsException(p.toString(), null,
                            "exists; give --force to replace it, or --out=DIR for another directory");
                }
            }
        }
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        write(listening, listening(baseline, learned), force);
        written.add(listening);
        write(connections, connections(baseline, learned, connectionsAsked), force);
        written.add(connections);
        return written;
    }

    private static void write(Path path, String text, boolean force) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (!force) {
            Files.write(path, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            return;
        }
        ReplacedFile.write(path, bytes);
    }

    private static String comment(String learned, String hidden) {
        return "learned " + learned + (hidden.isEmpty() ? "" : " (owner not visible: " + hidden + ")");
    }
}
