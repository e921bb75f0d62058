package io.portwatch.agent;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.IntFunction;

/**
 * The lines one scan may log about its changes: at most {@value #MAX}, then one line saying how many more there
 * were, so a scan that changes thousands of rows or listeners writes a bounded log.
 */
final class ScanLines {

    /** Lines logged for one scan. */
    static final int MAX = 100;

    private final Logger log;
    private int logged;
    private int more;

    ScanLines(Logger log) {
        this.log = log;
    }

    /** Logs {@code line}, or counts it once {@value #MAX} lines were logged. */
    void log(Level level, String line) {
        if (logged < MAX) {
            logged++;
            log.log(level, line);
        } else {
            more++;
        }
    }

    /** Ends the scan's lines: when some were only counted, one WARNING line made by {@code saying} from their count. */
    void end(IntFunction<String> saying) {
        if (more > 0) {
            log.log(Level.WARNING, saying.apply(more));
        }
    }
}
