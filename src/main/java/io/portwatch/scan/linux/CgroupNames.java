package io.portwatch.scan.linux;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The container a process belongs to, from the text of its {@code /proc/PID/cgroup}: the name a network
 * namespace gets when no {@code ip netns} name refers to it (docs/design.md §2 {@code netns}).
 *
 * <p>Each line is {@code HIERARCHY:CONTROLLERS:PATH}; a runtime puts the container's 64-hex id in one path
 * component, alone or with its own prefix and suffix:
 * <ul>
 *   <li>Docker, cgroupfs driver: {@code /docker/<id>}; systemd driver: {@code /system.slice/docker-<id>.scope};</li>
 *   <li>containerd: {@code cri-containerd-<id>.scope} (systemd driver) or {@code /<id>} under a pod's cgroup;</li>
 *   <li>CRI-O: {@code crio-<id>.scope} (its monitor's {@code crio-conmon-<id>.scope} is not the container);</li>
 *   <li>Podman: {@code libpod-<id>.scope}, possibly with a {@code /container} component after it (its monitor's
 *       {@code libpod-conmon-<id>.scope} is not the container);</li>
 *   <li>Kubernetes: a pod cgroup above the container's: {@code pod<uid>} (cgroupfs driver) or
 *       {@code kubepods-<qos>-pod<uid with _ for ->.slice} (systemd driver).</li>
 * </ul>
 * A pod's containers share one network namespace, so a path with a pod uid names it {@code pod:<uid>};
 * else a container id names it {@code container:<first 12 hex>}. The last matching component of a path wins
 * (a container nested in another is the inner one); the unified ({@code 0::}) line is read first. Input is
 * bounded by the caller.
 */
final class CgroupNames {

    private static final Pattern CONTAINER = Pattern.compile(
            "(?:docker-|cri-containerd-|crio-|libpod-|containerd-)?([0-9a-f]{64})(?:\\.scope)?");
    private static final Pattern POD = Pattern.compile(
            "(?:kubepods-(?:[a-z]+-)?)?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})"
                    + "(?:\\.slice)?");

    private CgroupNames() {
    }

    /** {@code pod:<uid>} or {@code container:<12 hex>} for the cgroup text of a process, empty when it names none. */
    static Optional<String> name(String cgroupText) {
        String unified = null;
        for (String line : cgroupText.split("\n")) {
            if (line.startsWith("0::")) {
                unified = line;
            }
        }
        Optional<String> name = unified == null ? Optional.empty() : fromLine(unified);
        if (name.isPresent()) {
            return name;
        }
        for (String line : cgroupText.split("\n")) {
            name = fromLine(line);
            if (name.isPresent()) {
                return name;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> fromLine(String line) {
        int first = line.indexOf(':');
        int second = first < 0 ? -1 : line.indexOf(':', first + 1);
        if (second < 0) {
            return Optional.empty();
        }
        String[] parts = line.substring(second + 1).strip().split("/");
        String container = null;
        String pod = null;
        for (String part : parts) {
            Matcher c = CONTAINER.matcher(part);
            if (c.matches()) {
                container = c.group(1);
            }
            Matcher p = POD.matcher(part);
            if (p.matches()) {
                pod = p.group(1).replace('_', '-');
            }
        }
        if (pod != null) {
            return Optional.of("pod:" + pod);
        }
        return container == null ? Optional.empty() : Optional.of("container:" + container.substring(0, 12));
    }
}
