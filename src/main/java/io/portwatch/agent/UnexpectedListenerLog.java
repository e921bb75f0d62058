package io.portwatch.agent;

import io.portwatch.health.Evaluation;
import io.portwatch.health.UnexpectedListener;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.SocketEntry;
import io.portwatch.state.MonitorState;
import io.portwatch.state.StateListener;
import io.portwatch.text.Printable;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * With {@code unexpectedListeners=warn}: one line when a listener no row covers appears,
 * {@code portwatch: unexpected listener tcp 0.0.0.0:8080, process nginx, user www-data} (WARNING), and one when it
 * goes, {@code portwatch: unexpected listener gone: ...} (INFO). Sockets alike in protocol, address, port,
 * namespace, process and user are one listener (worker processes, SO_REUSEPORT). At most {@value #MAX_LINES}
 * lines per scan, then one line counting the rest, like {@link HealthLog}. Logs nothing when the setting is off
 * (the evaluation then lists no unexpected listener).
 */
final class UnexpectedListenerLog implements StateListener {

    /** Lines logged for one scan; a scan with more comings and goings says how many more. */
    static final int MAX_LINES = ScanLines.MAX;

    private final Logger log;

    UnexpectedListenerLog(Logger log) {
        this.log = log;
    }

    @Override
    public void published(MonitorState previous, MonitorState current) {
        Optional<Evaluation> now = current.evaluationNewSince(previous);
        if (now.isEmpty()) {
            return; // nothing evaluated yet, or the same evaluation published again (a failed scan, a reload note)
        }
        Set<String> before = describe(previous.evaluation().map(Evaluation::unexpected).orElse(List.of()));
        Set<String> after = describe(now.get().unexpected());
        ScanLines lines = new ScanLines(log);
        for (String listener : after) {
            if (!before.contains(listener)) {
                lines.log(Level.WARNING, "portwatch: unexpected listener " + listener);
            }
        }
        for (String listener : before) {
            if (!after.contains(listener)) {
                lines.log(Level.INFO, "portwatch: unexpected listener gone: " + listener);
            }
        }
        lines.end(more -> "portwatch: and " + more + " more unexpected listeners came or went in this scan"
                + " (only " + MAX_LINES + " lines are logged per scan)");
    }

    /** Each listener as its line text, in scan order, alike sockets once. */
    private static Set<String> describe(List<UnexpectedListener> listeners) {
        Set<String> out = new LinkedHashSet<>();
        listeners.forEach(u -> out.add(describe(u)));
        return out;
    }

    /** {@code tcp 0.0.0.0:8080 in netns web, process nginx, user www-data}; a process may name itself anything. */
    static String describe(UnexpectedListener u) {
        SocketEntry s = u.socket();
        String user = !u.user().isEmpty() ? "user " + Printable.of(u.user())
                : s.uid() >= 0 ? "uid " + s.uid() : "user unknown";
        return s.protocol().label() + " " + Addresses.format(s.localAddress(), s.localPort())
                + (s.netns().own() ? "" : " in netns " + Printable.of(s.netns().name()))
                + ", process " + Printable.of(u.process()) + ", " + user;
    }
}
