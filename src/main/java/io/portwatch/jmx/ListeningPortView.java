package io.portwatch.jmx;

import io.portwatch.health.ListeningResult;
import io.portwatch.scan.Addresses;
import io.portwatch.scan.SocketEntry;

/** {@code portwatch:type=ListeningPort,name=<id>}. */
final class ListeningPortView extends RowView<ListeningResult> implements ListeningPortMXBean {

    ListeningPortView(String id, StateIndex index) {
        super(id, index);
    }

    @Override
    ListeningResult result() {
        return index.listening(id);
    }

    @Override
    public String getProtocol() {
        return result().row().protocol().label();
    }

    @Override
    public String getLocalIP() {
        return result().row().localIP().map(Addresses::format).orElse("*");
    }

    @Override
    public String getLocalPort() {
        return result().row().localPort().toString();
    }

    @Override
    public String getProcName() {
        return result().row().procName().text();
    }

    @Override
    public String getComment() {
        return result().row().comment();
    }

    @Override
    public String getSource() {
        return result().row().source().toString();
    }

    @Override
    public int getAcceptQueue() {
        return result().acceptQueue();
    }

    @Override
    public int getBacklog() {
        return result().backlog();
    }

    @Override
    public int[] getMatchedPids() {
        return result().matched().stream().filter(SocketEntry::hasOwner).mapToInt(SocketEntry::pid)
                .distinct().sorted().toArray();
    }
}
