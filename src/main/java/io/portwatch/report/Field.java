package io.portwatch.report;

/** The values {@code report} reads from a row of any input; each {@link InputKind} names the column of each. */
enum Field {
    TIME,
    EVENT,
    PROTOCOL,
    LOCAL_ADDRESS,
    LOCAL_PORT,
    REMOTE_ADDRESS,
    REMOTE_PORT,
    STATE,
    PID,
    PROCESS,
    USER,
    EXE_PATH,
    MODULES
}
