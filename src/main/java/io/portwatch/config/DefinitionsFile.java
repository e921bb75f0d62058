package io.portwatch.config;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The two definitions files (docs/design.md §2): their names, the word for their rows, and their columns
 * (the NetstatWatcher ones first, then portwatch's optional ones).
 */
public enum DefinitionsFile {

    /** Expected listening ports: {@value DefinitionsLoader#LISTENING_FILE}. */
    LISTENING(DefinitionsLoader.LISTENING_FILE, "listening",
            List.of(Columns.IP_PROTOCOL, Columns.LOCAL_IP, Columns.LOCAL_PORT, Columns.PROC_NAME, Columns.COMMENT),
            List.of(Columns.ID, Columns.HOST, Columns.SEVERITY, Columns.NETNS),
            List.of(Columns.LOCAL_PORT)),
    /** Expected TCP connections: {@value DefinitionsLoader#CONNECTIONS_FILE}. */
    CONNECTIONS(DefinitionsLoader.CONNECTIONS_FILE, "connection",
            List.of(Columns.REMOTE_IP, Columns.REMOTE_NAME, Columns.REMOTE_PORT, Columns.PROC_NAME, Columns.COMMENT),
            List.of(Columns.ID, Columns.HOST, Columns.SEVERITY, Columns.LOCAL_PORT, Columns.MIN_COUNT,
                    Columns.MAX_COUNT, Columns.NETNS, Columns.STALL_SECONDS, Columns.MAX_RTT_MS,
                    Columns.MAX_RETRANS_PERCENT),
            List.of(Columns.REMOTE_PORT));

    private final String fileName;
    private final String rowWord;
    final List<String> original;
    final List<String> columns;
    final List<String> required;

    DefinitionsFile(String fileName, String rowWord, List<String> original, List<String> extra, List<String> required) {
        this.fileName = fileName;
        this.rowWord = rowWord;
        this.original = original;
        this.columns = Stream.concat(original.stream(), extra.stream()).collect(Collectors.toUnmodifiableList());
        this.required = required;
    }

    /** The file's name, as NetstatWatcher spells it. */
    public String fileName() {
        return fileName;
    }

    /** The word for one of its rows in messages: {@code listening}, {@code connection}. */
    public String rowWord() {
        return rowWord;
    }

    /** The column of that header name (any case), null when the file has no such column. */
    String canonical(String headerName) {
        return columns.stream().filter(c -> c.equalsIgnoreCase(headerName)).findFirst().orElse(null);
    }

    /** Column names. */
    static final class Columns {
        static final String IP_PROTOCOL = "ipProtocol";
        static final String LOCAL_IP = "localIP";
        static final String LOCAL_PORT = "localPort";
        static final String REMOTE_IP = "remoteIP";
        static final String REMOTE_NAME = "remoteName";
        static final String REMOTE_PORT = "remotePort";
        static final String PROC_NAME = "procName";
        static final String COMMENT = "comment";
        static final String ID = "id";
        static final String HOST = "host";
        static final String SEVERITY = "severity";
        static final String MIN_COUNT = "minCount";
        static final String MAX_COUNT = "maxCount";
        static final String NETNS = "netns";
        static final String STALL_SECONDS = "stallSeconds";
        static final String MAX_RTT_MS = "maxRttMs";
        static final String MAX_RETRANS_PERCENT = "maxRetransPercent";

        private Columns() {
        }

        /**
         * The most characters a value of that column may have: NetstatWatcher's own limits
         * (procName 512, comment 1024, every other field 256).
         */
        static int maxLength(String column) {
            switch (column) {
                case PROC_NAME:
                    return 512;
                case COMMENT:
                    return 1024;
                default:
                    return 256;
            }
        }
    }
}
