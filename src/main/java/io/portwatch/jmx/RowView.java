package io.portwatch.jmx;

import io.portwatch.health.RowResult;
import io.portwatch.scan.SocketEntry;

/** The attributes every row MBean has, read from the row's result in the latest state. */
abstract class RowView<R extends RowResult> implements RowMXBean {

    final String id;
    final StateIndex index;

    RowView(String id, StateIndex index) {
        this.id = id;
        this.index = index;
    }

    /** The row's result in the latest state. */
    abstract R result();

    @Override
    public String getId() {
        return id;
    }

    @Override
    public int getHealth() {
        return result().health().code();
    }

    @Override
    public String getHealthName() {
        return result().health().name();
    }

    @Override
    public String getReason() {
        return result().reason();
    }

    @Override
    public String getTestedAt() {
        return Values.iso(result().testedAt());
    }

    @Override
    public String getSeverity() {
        return result().severity().label();
    }

    @Override
    public String[] getMatchedSockets() {
        return result().matched().stream().map(SocketEntry::toString).toArray(String[]::new);
    }

    @Override
    public String[] getMatchedNetns() {
        return result().matched().stream().map(s -> s.netns().name()).toArray(String[]::new);
    }

    @Override
    public String getNetstatWatcherKey() {
        return result().netstatWatcherKey();
    }

}
