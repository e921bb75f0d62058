package io.portwatch.health;

/** What an operator may ask of the running monitor (the Agent MBean's operations). */
public interface MonitorControl {

    /** Asks for a scan as soon as the scan thread is free; returns at once. */
    void scanNow();

    /** Asks for the definitions files to be read again on the scan thread; returns at once. */
    void reloadDefinitions();
}
