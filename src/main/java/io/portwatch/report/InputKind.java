package io.portwatch.report;

import io.portwatch.history.ConnectionsLog;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What an input of {@code report} is, told from its header, and which column holds each {@link Field}. */
public enum InputKind {
    /** {@code portwatch-events*.csv}. */
    EVENTS(Map.ofEntries(Map.entry(Field.TIME, "time"), Map.entry(Field.EVENT, "event"), Map.entry(Field.PROTOCOL, "protocol"),
            Map.entry(Field.LOCAL_ADDRESS, "localAddress"), Map.entry(Field.LOCAL_PORT, "localPort"),
            Map.entry(Field.REMOTE_ADDRESS, "remoteAddress"), Map.entry(Field.REMOTE_PORT, "remotePort"),
            Map.entry(Field.STATE, "state"), Map.entry(Field.PID, "pid"), Map.entry(Field.PROCESS, "process"),
            Map.entry(Field.USER, "user"), Map.entry(Field.EXE_PATH, "exePath"))),
    /** {@code portwatch-snapshot*.csv}. */
    SNAPSHOT(Map.ofEntries(Map.entry(Field.TIME, "time"), Map.entry(Field.PROTOCOL, "protocol"),
            Map.entry(Field.LOCAL_ADDRESS, "localAddress"), Map.entry(Field.LOCAL_PORT, "localPort"),
            Map.entry(Field.REMOTE_ADDRESS, "remoteAddress"), Map.entry(Field.REMOTE_PORT, "remotePort"),
            Map.entry(Field.STATE, "state"), Map.entry(Field.PID, "pid"), Map.entry(Field.PROCESS, "process"),
            Map.entry(Field.USER, "user"), Map.entry(Field.EXE_PATH, "exePath"))),
    /** {@code portwatch-processes*.csv}. */
    PROCESSES(Map.of(Field.TIME, "time", Field.PID, "pid", Field.PROCESS, "process", Field.USER, "user",
            Field.EXE_PATH, "exePath", Field.MODULES, "modules")),
    /** A Log-Connections CSV ({@code connections --log}, Log-Connections.ps1). */
    CONNECTIONS_LOG(Map.of(Field.TIME, "TimeStamp", Field.PROTOCOL, "Protocol", Field.LOCAL_ADDRESS, "LocalAddress",
            Field.LOCAL_PORT, "LocalPort", Field.REMOTE_ADDRESS, "RemoteAddress", Field.REMOTE_PORT, "RemotePort",
            Field.STATE, "State", Field.PID, "PID", Field.PROCESS, "ProcessName"));

    private final Map<Field, String> columns;

    InputKind(Map<Field, String> columns) {
        this.columns = new EnumMap<>(columns);
    }

    /** The header name of the column holding this field; empty when this kind has none. */
    Optional<String> column(Field field) {
        return Optional.ofNullable(columns.get(field));
    }

    /** The kind of a file with this header; empty when it is none of them. */
    static Optional<InputKind> of(List<String> header) {
        if (ConnectionsLog.isHeader(header)) {
            return Optional.of(CONNECTIONS_LOG);
        }
        Set<String> names = new HashSet<>();
        header.forEach(h -> names.add(h.trim().toLowerCase(Locale.ROOT)));
        if (names.contains("event") && names.contains("localport") && names.contains("time")) {
            return Optional.of(EVENTS);
        }
        if (names.contains("modules") && names.contains("pid") && names.contains("time")) {
            return Optional.of(PROCESSES);
        }
        if (names.contains("localport") && names.contains("time") && names.contains("remoteport")) {
            return Optional.of(SNAPSHOT);
        }
        return Optional.empty();
    }
}
