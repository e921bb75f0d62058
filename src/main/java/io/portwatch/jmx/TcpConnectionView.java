package io.portwatch.jmx;

import io.portwatch.health.ConnectionResult;
import io.portwatch.scan.Addresses;

import io.portwatch.health.ConnectionQuality;

import java.util.Map;

/** {@code portwatch:type=TcpConnection,name=<id>}. */
final class TcpConnectionView extends RowView<ConnectionResult> implements TcpConnectionMXBean {

    TcpConnectionView(String id, StateIndex index) {
        super(id, index);
    }

    @Override
    ConnectionResult result() {
        return index.connection(id);
    }

    @Override
    public String getRemoteIP() {
        return result().row().remoteIP().map(Addresses::format).orElse("*");
    }

    @Override
    public String getRemoteName() {
        return result().row().remoteName();
    }

    @Override
    public String getRemotePort() {
        return result().row().remotePort().toString();
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
    public int getMinCount() {
        return result().row().minCount();
    }

    @Override
    public int getMaxCount() {
        return result().row().maxCount().orElse(-1);
    }

    @Override
    public int getEstablished() {
        return result().established();
    }

    @Override
    public long getSendQueueBytes() {
        return result().sendQueueBytes();
    }

    @Override
    public long getReceiveQueueBytes() {
        return result().receiveQueueBytes();
    }

    @Override
    public double getRttSeconds() {
        return result().quality().filter(ConnectionQuality::rttKnown).map(ConnectionQuality::worstRttSeconds)
                .orElse(-1.0);
    }

    @Override
    public long getSentSegments() {
        return result().quality().map(ConnectionQuality::sentSegments).orElse(-1L);
    }

    @Override
    public long getRetransmittedSegments() {
        return result().quality().map(ConnectionQuality::retransmittedSegments).orElse(-1L);
    }

    @Override
    public int getStalledSockets() {
        return result().quality().map(ConnectionQuality::stalledSockets).orElse(-1);
    }

    @Override
    public Map<String, Integer> getSocketsByState() {
        return Values.byState(result().byState());
    }

    @Override
    public String getComment() {
        return result().row().comment();
    }

    @Override
    public String getSource() {
        return result().row().source().toString();
    }

}
