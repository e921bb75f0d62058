package io.portwatch.cli;

import io.portwatch.report.Progress;
import io.portwatch.text.Printable;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar on stderr for inputs that take more than a second: nothing is drawn during
 * the first second, then at most ten redraws a second, and the line is cleared at the end.
 */
final class ProgressBar implements Progress {

    private static final long DELAY = 1_000_000_000L;
    private static final long REDRAW = 100_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final LongSupplier nanoTime;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private int drawnLength;

    ProgressBar(PrintWriter err, LongSupplier nanoTime) {
        this.err = err;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
    }

    @Override
    public void at(Path file, long done, long total) {
        long now = nanoTime.getAsLong();
        if (now - start < DELAY || (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW)) {
            return;
        }
        lastDraw = now;
        int percent = total <= 0 ? 100 : (int) Math.min(100, done * 100 / total);
        int filled = percent * WIDTH / 100;
        String line = String.format(Locale.ROOT, "[%s%s] %3d%% %s / %s %s", "#".repeat(filled), ".".repeat(WIDTH - filled),
                percent, size(done), size(total), Printable.of(file.getFileName().toString()));
        err.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
        err.flush();
        drawnLength = line.length();
    }

    /** Clears the line, when anything was drawn. */
    void finish() {
        if (drawnLength > 0) {
            err.print("\r" + " ".repeat(drawnLength) + "\r");
            err.flush();
            drawnLength = 0;
        }
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / (1024.0 * 1024 * 1024));
    }
}
