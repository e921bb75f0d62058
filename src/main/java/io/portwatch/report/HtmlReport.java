package io.portwatch.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link Report} as one self-contained HTML page: inline CSS, inline SVG charts (usage by hour,
 * top processes, top remote addresses), tables with the flagged rows highlighted, and a small inline
 * script (sortable tables, a filter on the flagged rows). Nothing is loaded from anywhere: a Content
 * Security Policy forbids it, and allows only this page's own script (by its hash), so text from the
 * logs (process names, command lines) can never run as script; it is escaped besides. The style and the script
 * are {@code report.css} and {@code report.js} beside this class.
 */
public final class HtmlReport {

    /** Processes and remote addresses in the bar charts. */
    static final int CHART_ENTRIES = 10;

    private static final String SCRIPT = resource("report.js");

    private static final String STYLE = resource("report.css");

    private HtmlReport() {
    }

    /** A text file beside this class in the jar, without its last line feed. */
    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the portwatch jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the portwatch jar", e);
        }
    }

    /** The page. */
    public static String render(Report r) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; ")
                .append("img-src data:; script-src '").append(scriptHash()).append("'\">\n")
                .append("<title>portwatch report</title>\n<style>\n").append(STYLE).append("\n</style>\n</head>\n<body>\n");
        b.append("<header><h1>portwatch report</h1><p class=\"sub\">")
                .append(r.firstTime().isEmpty() ? "no readable times" : esc(r.firstTime()) + " to " + esc(r.lastTime()))
                .append(" &middot; ").append(r.files().size()).append(r.files().size() == 1 ? " file" : " files")
                .append("</p></header>\n");

        b.append("<section class=\"cards\">\n");
        card(b, Long.toString(r.rows()), "rows read", false);
        card(b, Long.toString(r.connections()), "connections seen", false);
        card(b, Long.toString(r.flaggedTotal()), "flagged", r.flaggedTotal() > 0);
        card(b, Integer.toString(r.files().size()), r.files().size() == 1 ? "file" : "files", false);
        b.append("</section>\n");

        b.append("<section><h2>Usage by hour of day (UTC)</h2>\n");
        hourChart(b, r.byHour());
        b.append("</section>\n<div class=\"grid\">\n<section><h2>Top processes</h2>\n");
        barChart(b, r.processes(), "processes", r);
        b.append("</section>\n<section><h2>Top remote addresses</h2>\n");
        barChart(b, r.remotes(), "remote addresses", r);
        b.append("</section>\n</div>\n");

        b.append("<section><h2>Flagged connections (").append(r.flaggedTotal()).append(")</h2>\n");
        if (r.criteria().isEmpty()) {
            b.append("<p class=\"muted\">No criteria given.</p>\n");
        } else {
            b.append("<p>Criteria: ");
            for (int i = 0; i < r.criteria().size(); i++) {
                String c = r.criteria().get(i);
                b.append(i == 0 ? "" : ", ").append("<code>").append(esc(c)).append("</code> (")
                        .append(r.flaggedBy().getOrDefault(c, 0L)).append(')');
            }
            b.append("</p>\n");
        }
        if (!r.flagged().isEmpty()) {
            b.append("<input id=\"flag-filter\" type=\"search\" placeholder=\"Filter flagged rows\" aria-label=\"Filter flagged rows\">\n");
            b.append("<div class=\"scroll\"><table id=\"flagged\" class=\"sortable\"><thead><tr><th>Time</th><th>Event</th><th>Proto</th>")
                    .append("<th>Local</th><th>Remote</th><th>State</th><th>PID</th><th>Process</th><th>User</th>")
                    .append("<th>Path</th><th>Why</th><th>Source</th></tr></thead>\n<tbody>\n");
            for (Report.Flagged f : r.flagged()) {
                b.append("<tr class=\"flagged\">");
                td(b, f.time()); td(b, f.event()); td(b, f.protocol()); td(b, f.local()); td(b, f.remote()); td(b, f.state());
                b.append("<td class=\"num\">").append(esc(f.pid())).append("</td>");
                td(b, f.process()); td(b, f.user()); td(b, f.exePath());
                b.append("<td class=\"why\">").append(esc(String.join("; ", f.reasons()))).append("</td>");
                td(b, f.source());
                b.append("</tr>\n");
            }
            b.append("</tbody></table></div>\n");
        }
        b.append("</section>\n");

        b.append("<div class=\"grid\">\n<section><h2>Local ports</h2>\n<table class=\"sortable\"><thead><tr><th>Protocol</th>")
                .append("<th>Port</th><th>Connections</th><th>%</th></tr></thead>\n<tbody>\n");
        for (Report.PortCount p : r.localPorts()) {
            b.append(p.flagged() ? "<tr class=\"flagged\">" : "<tr>");
            td(b, p.protocol());
            b.append("<td class=\"num\">").append(p.port()).append("</td>");
            num(b, p.count(), r);
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n</section>\n");
        countTable(b, "Processes", "Process", null, r.processes(), r);
        countTable(b, "Remote addresses", "Address", "Name", r.remotes(), r);
        countTable(b, "Users", "User", null, r.users(), r);
        b.append("</div>\n");

        b.append("<section><h2>Rows read</h2>\n<table class=\"compact\"><thead><tr><th>Kind</th><th>Rows</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<String, Long> e : r.rowsByKind().entrySet()) {
            b.append("<tr>");
            td(b, e.getKey());
            b.append("<td class=\"num\">").append(e.getValue()).append("</td></tr>\n");
        }
        b.append("</tbody></table>\n<p>Files:</p><ul>\n");
        for (String f : r.files()) {
            b.append("<li><code>").append(esc(f)).append("</code></li>\n");
        }
        b.append("</ul>\n");
        if (!r.notes().isEmpty()) {
            b.append("<p>Notes:</p><ul>\n");
            for (String n : r.notes()) {
                b.append("<li>").append(esc(n)).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        b.append("</section>\n<script>\n").append(SCRIPT).append("\n</script>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void card(StringBuilder b, String value, String label, boolean alert) {
        b.append(alert ? "<div class=\"card alert\">" : "<div class=\"card\">").append("<b>").append(esc(value))
                .append("</b><span>").append(esc(label)).append("</span></div>\n");
    }

    private static void countTable(StringBuilder b, String title, String column, String detail, List<Report.Count> counts,
                                   Report r) {
        b.append("<section><h2>").append(title).append("</h2>\n<table class=\"sortable\"><thead><tr><th>").append(column)
                .append("</th>");
        if (detail != null) {
            b.append("<th>").append(detail).append("</th>");
        }
        b.append("<th>Connections</th><th>%</th></tr></thead>\n<tbody>\n");
        for (Report.Count c : counts) {
            b.append(c.flagged() ? "<tr class=\"flagged\">" : "<tr>");
            td(b, c.name());
            if (detail != null) {
                td(b, c.detail());
            }
            num(b, c.count(), r);
            b.append("</tr>\n");
        }
        b.append("</tbody></table>\n</section>\n");
    }

    private static void td(StringBuilder b, String text) {
        b.append("<td>").append(esc(text)).append("</td>");
    }

    private static void num(StringBuilder b, long count, Report r) {
        String pct = r.percent(count);
        b.append("<td class=\"num\">").append(count).append("</td><td class=\"num\" data-v=\"")
                .append(pct.substring(0, pct.length() - 1)).append("\">").append(pct).append("</td>");
    }

    /** 24 vertical bars. */
    private static void hourChart(StringBuilder b, List<Long> hours) {
        int width = 960;
        int height = 220;
        int top = 20;
        int bottom = 24;
        int left = 8;
        double slot = (width - 2.0 * left) / 24;
        long max = Math.max(1, hours.stream().mapToLong(Long::longValue).max().orElse(0));
        b.append("<svg viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"Connections by hour of day\">\n");
        b.append("<line class=\"axis\" x1=\"").append(left).append("\" y1=\"").append(height - bottom).append("\" x2=\"")
                .append(width - left).append("\" y2=\"").append(height - bottom).append("\"/>\n");
        for (int h = 0; h < 24; h++) {
            long v = hours.get(h);
            double barHeight = (height - top - bottom) * (double) v / max;
            double x = left + h * slot + slot * 0.15;
            double y = height - bottom - barHeight;
            b.append("<rect class=\"bar\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y)).append("\" width=\"")
                    .append(fmt(slot * 0.7)).append("\" height=\"").append(fmt(barHeight)).append("\"><title>")
                    .append(String.format(Locale.ROOT, "%02d:00-%02d:59 UTC: %d", h, h, v)).append("</title></rect>");
            if (v > 0) {
                b.append("<text x=\"").append(fmt(x + slot * 0.35)).append("\" y=\"").append(fmt(y - 4))
                        .append("\" text-anchor=\"middle\">").append(v).append("</text>");
            }
            b.append("<text x=\"").append(fmt(x + slot * 0.35)).append("\" y=\"").append(height - 8)
                    .append("\" text-anchor=\"middle\">").append(String.format(Locale.ROOT, "%02d", h)).append("</text>\n");
        }
        b.append("</svg>\n");
    }

    /** Horizontal bars for the first entries of a count table. */
    private static void barChart(StringBuilder b, List<Report.Count> counts, String what, Report r) {
        List<Report.Count> shown = counts.size() > CHART_ENTRIES ? counts.subList(0, CHART_ENTRIES) : counts;
        if (shown.isEmpty()) {
            b.append("<p class=\"muted\">No ").append(what).append(".</p>\n");
            return;
        }
        int width = 460;
        int row = 22;
        int label = 170;
        int height = shown.size() * row + 4;
        long max = Math.max(1, shown.get(0).count());
        b.append("<svg viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" role=\"img\" aria-label=\"Top ")
                .append(what).append("\">\n");
        for (int i = 0; i < shown.size(); i++) {
            Report.Count c = shown.get(i);
            double w = (width - label - 60) * (double) c.count() / max;
            int y = i * row + 2;
            String name = c.detail().isEmpty() ? c.name() : c.name() + " (" + c.detail() + ")";
            b.append("<text x=\"").append(label - 6).append("\" y=\"").append(y + 15).append("\" text-anchor=\"end\">")
                    .append(esc(shorten(name, 28))).append("<title>").append(esc(name)).append("</title></text>")
                    .append("<rect class=\"bar").append(c.flagged() ? " flagged" : "").append("\" x=\"").append(label)
                    .append("\" y=\"").append(y + 3).append("\" width=\"").append(fmt(Math.max(1, w))).append("\" height=\"")
                    .append(row - 6).append("\"><title>").append(esc(name)).append(": ").append(c.count()).append(" (")
                    .append(r.percent(c.count())).append(")</title></rect>")
                    .append("<text x=\"").append(fmt(label + Math.max(1, w) + 4)).append("\" y=\"").append(y + 15).append("\">")
                    .append(c.count()).append("</text>\n");
        }
        b.append("</svg>\n");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Text made safe for element content and double-quoted attributes. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default:
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        b.append('\uFFFD'); // control characters are not allowed in HTML text
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }

    /** {@code sha256-...} of the script, for the Content Security Policy. */
    static String scriptHash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("\n" + SCRIPT + "\n").getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
