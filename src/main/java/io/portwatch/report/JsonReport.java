package io.portwatch.report;

import io.portwatch.text.Json;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link Report} as one JSON object ({@code report --format=json}). */
public final class JsonReport {

    private JsonReport() {
    }

    /** Writes the report as JSON. */
    public static void write(Report r, PrintWriter out) {
        out.println(Json.write(tree(r)));
    }

    /** The report as maps and lists, in the shape of its JSON. */
    static Map<String, Object> tree(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", r.files());
        m.put("rows", r.rows());
        m.put("connections", r.connections());
        m.put("firstTime", r.firstTime());
        m.put("lastTime", r.lastTime());
        m.put("rowsByKind", r.rowsByKind());
        List<Object> ports = new ArrayList<>();
        for (Report.PortCount c : r.localPorts()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("protocol", c.protocol());
            e.put("port", c.port());
            e.put("count", c.count());
            e.put("flagged", c.flagged());
            ports.add(e);
        }
        m.put("localPorts", ports);
        m.put("processes", counts(r.processes(), "process", null));
        m.put("remoteAddresses", counts(r.remotes(), "address", "name"));
        m.put("users", counts(r.users(), "user", null));
        Map<String, Object> hours = new LinkedHashMap<>();
        for (int h = 0; h < 24; h++) {
            hours.put(String.format(Locale.ROOT, "%02d", h), r.byHour().get(h));
        }
        m.put("byHourUtc", hours);
        Map<String, Object> flagged = new LinkedHashMap<>();
        flagged.put("total", r.flaggedTotal());
        Map<String, Object> byCriterion = new LinkedHashMap<>();
        r.criteria().forEach(c -> byCriterion.put(c, r.flaggedBy().getOrDefault(c, 0L)));
        flagged.put("byCriterion", byCriterion);
        List<Object> rows = new ArrayList<>();
        for (Report.Flagged f : r.flagged()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("time", f.time());
            e.put("event", f.event());
            e.put("protocol", f.protocol());
            e.put("local", f.local());
            e.put("remote", f.remote());
            e.put("state", f.state());
            e.put("pid", f.pid());
            e.put("process", f.process());
            e.put("user", f.user());
            e.put("exePath", f.exePath());
            e.put("reasons", f.reasons());
            e.put("source", f.source());
            rows.add(e);
        }
        flagged.put("connections", rows);
        m.put("flagged", flagged);
        m.put("notes", r.notes());
        return m;
    }

    private static List<Object> counts(List<Report.Count> counts, String key, String detail) {
        List<Object> out = new ArrayList<>();
        for (Report.Count c : counts) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put(key, c.name());
            if (detail != null) {
                e.put(detail, c.detail());
            }
            e.put("count", c.count());
            e.put("flagged", c.flagged());
            out.add(e);
        }
        return out;
    }
}
