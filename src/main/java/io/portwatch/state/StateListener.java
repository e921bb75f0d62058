package io.portwatch.state;

/** Told of every newly published state, on the scan thread; must be quick and must not throw. */
@FunctionalInterface
public interface StateListener {

    void published(MonitorState previous, MonitorState current);
}
