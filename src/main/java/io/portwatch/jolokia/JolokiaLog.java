package io.portwatch.jolokia;

import org.jolokia.core.api.LogHandler;

import java.lang.System.Logger.Level;

/**
 * Jolokia's log lines go to {@code System.Logger} {@code io.portwatch.jolokia} instead of stdout.
 * Jolokia's "info" is chatter about its own set-up, so it is logged at DEBUG.
 */
final class JolokiaLog implements LogHandler {

    private static final System.Logger LOG = System.getLogger("io.portwatch.jolokia");

    @Override
    public void debug(String message) {
        LOG.log(Level.DEBUG, message);
    }

    @Override
    public void info(String message) {
        LOG.log(Level.DEBUG, message);
    }

    @Override
    public void error(String message, Throwable t) {
        LOG.log(Level.WARNING, message, t);
    }

    @Override
    public boolean isDebug() {
        return LOG.isLoggable(Level.DEBUG);
    }
}
