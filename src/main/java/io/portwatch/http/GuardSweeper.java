package io.portwatch.http;

import io.portwatch.config.SettingKey;
import org.eclipse.jetty.util.thread.Scheduler;

import java.lang.System.Logger.Level;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link ConnectionGuard#sweep()} every {@value #SWEEP_MILLIS} ms on the endpoint's scheduler and, at
 * most once a minute, logs one line when the guard had to close connections: an operator should know
 * that clients hold connections open or never finish their requests.
 */
final class GuardSweeper implements Runnable {

    private static final System.Logger LOG = System.getLogger("io.portwatch.http");
    static final long SWEEP_MILLIS = 250;

    private final Scheduler scheduler;
    private final ConnectionGuard guard;
    private final String endpoint;
    private volatile Scheduler.Task next;
    private volatile boolean cancelled;
    private long reportedOverCap;
    private long reportedOverTime;
    private long lastReport = System.nanoTime();

    private GuardSweeper(Scheduler scheduler, ConnectionGuard guard, String endpoint) {
        this.scheduler = scheduler;
        this.guard = guard;
        this.endpoint = endpoint;
    }

    static GuardSweeper start(Scheduler scheduler, ConnectionGuard guard, String endpoint) {
        GuardSweeper sweeper = new GuardSweeper(scheduler, guard, endpoint);
        sweeper.next = scheduler.schedule(sweeper, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        return sweeper;
    }

    @Override
    public void run() {
        try {
            guard.sweep();
            report();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "portwatch: " + endpoint + ": connection sweep failed: " + e);
        } finally {
            if (!cancelled) {
                try {
                    next = scheduler.schedule(this, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // the endpoint stopped during this sweep
                }
            }
        }
    }

    void cancel() {
        cancelled = true;
        Scheduler.Task task = next;
        if (task != null) {
            task.cancel();
        }
    }

    private void report() {
        long now = System.nanoTime();
        if (now - lastReport < TimeUnit.MINUTES.toNanos(1)) {
            return;
        }
        long overCap = guard.closedOverCap() - reportedOverCap;
        long overTime = guard.closedOverTime() - reportedOverTime;
        if (overCap > 0 || overTime > 0) {
            LOG.log(Level.WARNING, "portwatch: " + endpoint + " closed " + overCap + " connection(s) over "
                    + SettingKey.HTTP_MAX_CONNECTIONS.key() + " and " + overTime + " that sent no whole request within "
                    + SettingKey.HTTP_READ_TIMEOUT.key() + " or read no whole answer within "
                    + SettingKey.HTTP_WRITE_TIMEOUT.key() + " in the last minute");
        }
        reportedOverCap += overCap;
        reportedOverTime += overTime;
        lastReport = now;
    }
}
