package io.portwatch.jmx;

import io.portwatch.health.SocketCounts;
import io.portwatch.scan.Protocol;
import io.portwatch.scan.SocketState;

import java.util.Map;

/** {@code portwatch:type=Process,name=<process name>}. */
final class ProcessView implements ProcessMXBean {

    private final String name;
    private final StateIndex index;

    ProcessView(String name, StateIndex index) {
        this.name = name;
        this.index = index;
    }

    private SocketCounts counts() {
        return index.process(name).counts();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public int[] getPids() {
        return index.process(name).pids().stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String[] getUsers() {
        return index.process(name).users().toArray(String[]::new);
    }

    @Override
    public int getTotal() {
        return counts().total();
    }

    @Override
    public Map<String, Integer> getTcpByState() {
        return Values.byState(counts().asMap().getOrDefault(Protocol.TCP, Map.of()));
    }

    @Override
    public Map<String, Integer> getUdpByState() {
        return Values.byState(counts().asMap().getOrDefault(Protocol.UDP, Map.of()));
    }

    @Override
    public int getListening() {
        SocketCounts c = counts();
        return c.get(Protocol.TCP, SocketState.LISTEN) + c.get(Protocol.UDP, SocketState.UNCONN);
    }

    @Override
    public int getEstablished() {
        return counts().get(Protocol.TCP, SocketState.ESTABLISHED);
    }

    @Override
    public int getTimeWait() {
        return counts().get(Protocol.TCP, SocketState.TIME_WAIT);
    }

    @Override
    public int getCloseWait() {
        return counts().get(Protocol.TCP, SocketState.CLOSE_WAIT);
    }

}
