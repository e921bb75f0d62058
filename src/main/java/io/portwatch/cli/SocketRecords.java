package io.portwatch.cli;

import io.portwatch.scan.Addresses;
import io.portwatch.scan.ProcessInfo;
import io.portwatch.scan.Snapshot;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.TcpQuality;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The sockets as {@code connections --format=json} and {@code csv} write them: the same columns, in the same order. */
final class SocketRecords {

    /** The columns, in order. */
    static final List<String> COLUMNS = List.of("protocol", "recvQ", "sendQ", "localAddress", "localPort",
            "remoteAddress", "remotePort", "state", "pid", "process", "user", "netns", "rttMs", "unacked", "lastAckMs",
            "retransmitted", "sent");

    private SocketRecords() {
    }

    /**
     * One map per socket with every column of {@link #COLUMNS}: numbers as numbers, and null for what is not
     * known (a queue the platform does not tell, an owner that cannot be seen, the connection quality of a socket
     * that only the netlink reader measures: {@code rttMs} smoothed RTT, {@code unacked} segments not yet
     * acknowledged, {@code lastAckMs} since the last acknowledgement, {@code retransmitted} and {@code sent} segments).
     */
    static List<Map<String, Object>> of(Snapshot snapshot) {
        List<Map<String, Object>> out = new ArrayList<>(snapshot.sockets().size());
        for (SocketEntry s : snapshot.sockets()) {
            Optional<ProcessInfo> owner = snapshot.owner(s);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("protocol", s.protocol().label());
            r.put("recvQ", s.receiveQueue() == SocketEntry.UNKNOWN_QUEUE ? null : s.receiveQueue());
            r.put("sendQ", s.sendQueue() == SocketEntry.UNKNOWN_QUEUE ? null : s.sendQueue());
            r.put("localAddress", Addresses.format(s.localAddress()));
            r.put("localPort", s.localPort());
            r.put("remoteAddress", Addresses.format(s.remoteAddress()));
            r.put("remotePort", s.remotePort());
            r.put("state", s.state().name());
            r.put("pid", s.hasOwner() ? s.pid() : null);
            r.put("process", owner.map(ProcessInfo::name).orElse(null));
            r.put("user", owner.map(ProcessInfo::user).filter(u -> !u.isEmpty()).orElse(null));
            r.put("netns", s.netns().name());
            TcpQuality q = s.quality();
            r.put("rttMs", q == null ? null : q.rttMicros() / 1000.0);
            r.put("unacked", q == null ? null : q.unacked());
            r.put("lastAckMs", q == null ? null : q.lastAckReceivedMillis());
            r.put("retransmitted", q == null ? null : q.retransmittedSegments());
            r.put("sent", q == null ? null : q.segmentsSent());
            out.add(r);
        }
        return out;
    }
}
