package io.portwatch.http;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where Jetty's log lines go: the bundled (relocated) SLF4J API finds this provider and hands every
 * line to {@link System.Logger} under {@code io.portwatch.http.jetty}, so portwatch adds no logging
 * framework to the host JVM (docs/design.md §5) and SLF4J prints no "no providers" warning. Jetty's INFO
 * lines (version banner, "Started") go out at DEBUG: one line of portwatch's own says that an
 * endpoint started.
 */
public final class JettyLogging implements SLF4JServiceProvider {

    private final ILoggerFactory loggers = new Loggers();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    private static final class Loggers implements ILoggerFactory {
        private final Map<String, Logger> byName = new ConcurrentHashMap<>();

        @Override
        public Logger getLogger(String name) {
            return byName.computeIfAbsent(name, JettyLogger::new);
        }
    }

    /** One Jetty logger, writing to the one System.Logger of Jetty's lines. */
    private static final class JettyLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private static final System.Logger OUT = System.getLogger("io.portwatch.http.jetty");

        JettyLogger(String name) {
            this.name = name;
        }

        private static boolean on(System.Logger.Level level) {
            return OUT.isLoggable(level);
        }

        @Override
        public boolean isTraceEnabled() {
            return on(System.Logger.Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return on(System.Logger.Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(System.Logger.Level.DEBUG);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(System.Logger.Level.WARNING);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(System.Logger.Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            System.Logger.Level to = switch (level) {
                case ERROR -> System.Logger.Level.ERROR;
                case WARN -> System.Logger.Level.WARNING;
                case INFO, DEBUG -> System.Logger.Level.DEBUG;
                case TRACE -> System.Logger.Level.TRACE;
            };
            String text = "Jetty " + name + ": " + MessageFormatter.basicArrayFormat(pattern, arguments);
            if (throwable == null) {
                OUT.log(to, text);
            } else {
                OUT.log(to, text, throwable);
            }
        }
    }
}
