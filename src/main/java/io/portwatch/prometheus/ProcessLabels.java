package io.portwatch.prometheus;

/**
 * The opt-in labels of {@code portwatch_process_sockets} (more series each, docs/design.md §4): {@code pid}
 * ({@code prometheus.pidLabel}) and {@code netns} ({@code prometheus.netnsLabel}). Neither changes the Process MBeans,
 * which stay one per process name.
 *
 * @param pid   one series per pid of each kept process name ({@code pid=""} for sockets without a seen owner
 *              and for {@code other})
 * @param netns one series per network namespace name the sockets of a process name live in
 */
public record ProcessLabels(boolean pid, boolean netns) {
}
