package io.portwatch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;
import io.portwatch.config.QualityLimits;
import io.portwatch.scan.ResolvedNames;
import io.portwatch.scan.SocketEntry;
import io.portwatch.scan.SocketState;
import io.portwatch.scan.TcpQuality;
import io.portwatch.testing.Rows;
import io.portwatch.testing.SnapshotBuilder;
import io.portwatch.testing.Sockets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** docs/design.md §3, connection quality: stalled, slow and retransmitting on built snapshots. */
class QualityEvaluationTest {

    private static final EvaluationOptions OPTIONS = EvaluationOptions.forHost("web01");
    private static final int JAVA = 10;

    /** A row to 10.1.2.3:5432 by java, with these limits. */
    private static ConnectionRow row(int minCount, Integer stallSeconds, Integer maxRttMs, Double maxRetransPercent) {
        return Rows.connection("db").remoteIP("10.1.2.3").remotePort(5432).proc("java").min(minCount).build()
                .withQuality(new QualityLimits(
                        stallSeconds == null ? OptionalInt.empty() : OptionalInt.of(stallSeconds),
                        maxRttMs == null ? OptionalInt.empty() : OptionalInt.of(maxRttMs),
                        maxRetransPercent == null ? OptionalDouble.empty() : OptionalDouble.of(maxRetransPercent)));
    }

    private static ConnectionRow row() {
        return row(1, null, null, null);
    }

    /** An ESTABLISHED socket from local port {@code 40000 + cookie} with these figures. */
    private static SocketEntry socket(long cookie, long rttMicros, long sent, long retransmitted, int unacked,
                                      long lastAckMillis) {
        return socket(cookie, JAVA, new TcpQuality(cookie, rttMicros, sent, retransmitted, unacked, lastAckMillis, 0, 0));
    }

    private static SocketEntry socket(long cookie, int pid, TcpQuality quality) {
        return Sockets.tcp("10.0.0.1", 40000 + (int) cookie, "10.1.2.3", 5432, SocketState.ESTABLISHED, cookie, pid)
                .withQuality(quality);
    }

    private static SocketEntry idle(long cookie) {
        return socket(cookie, 1_000, 10, 0, 0, 500);
    }

    private static SocketEntry stalled(long cookie, int unacked, long lastAckMillis) {
        return socket(cookie, 1_000, 10, 0, unacked, lastAckMillis);
    }

    private static Evaluation evaluate(ConnectionRow row, List<SocketEntry> sockets, QualityHistory previous) {
        return evaluate(row, sockets, previous, OPTIONS);
    }

    private static Evaluation evaluate(ConnectionRow row, List<SocketEntry> sockets, QualityHistory previous,
                                       EvaluationOptions options) {
        SnapshotBuilder b = new SnapshotBuilder().process(JAVA, "java").process(11, "python").sockets(sockets);
        return Evaluator.evaluate(new Definitions(List.of(), List.of(row)), b.build(), ResolvedNames.NONE, options,
                previous);
    }

    private static ConnectionResult result(ConnectionRow row, SocketEntry... sockets) {
        return evaluate(row, List.of(sockets), QualityHistory.EMPTY).connections().get(0);
    }

    @Test
    void aRowWhoseOnlySocketIsStalledIsYellowNamingSecondsPeerAndSegments() {
        ConnectionResult r = result(row(), stalled(1, 12, 41_500));
        assertEquals(Health.YELLOW, r.health());
        assertEquals(ConnectionReason.STALLED, r.reasonCode());
        assertEquals("stalled: 41 s without an acknowledgement from 10.1.2.3:5432, 12 segments unacknowledged"
                + " (stallSeconds 30)", r.reason());
        assertEquals(1, r.quality().orElseThrow().stalledSockets());
    }

    @Test
    void aRowWhoseEverySocketIsStalledNamesTheLongest() {
        ConnectionResult r = result(row(), stalled(1, 3, 35_000), stalled(2, 7, 90_000));
        assertEquals(ConnectionReason.STALLED, r.reasonCode());
        assertEquals("stalled: all 2 ESTABLISHED to 10.1.2.3:5432 by java; the longest 90 s without an"
                + " acknowledgement from 10.1.2.3:5432, 7 segments unacknowledged (stallSeconds 30)", r.reason());
    }

    @Test
    void stalledSocketsDoNotCountTowardMinCount() {
        ConnectionResult r = result(row(5, null, null, null), idle(1), idle(2), stalled(3, 1, 31_000),
                stalled(4, 2, 45_000), stalled(5, 3, 60_000));
        assertEquals(Health.YELLOW, r.health());
        assertEquals(ConnectionReason.STALLED, r.reasonCode());
        assertEquals("stalled: 3 of 5 ESTABLISHED to 10.1.2.3:5432 by java, 2 not stalled, expected at least 5;"
                + " the longest 60 s without an acknowledgement from 10.1.2.3:5432, 3 segments unacknowledged"
                + " (stallSeconds 30)", r.reason());
        assertEquals(3, r.quality().orElseThrow().stalledSockets());
        assertEquals(5, r.established(), "the count published stays what is ESTABLISHED");
    }

    @Test
    void aStalledSocketBesideEnoughWorkingOnesLeavesTheRowGreen() {
        ConnectionResult r = result(row(2, null, null, null), idle(1), idle(2), stalled(3, 1, 31_000));
        assertEquals(Health.GREEN, r.health());
        assertEquals(1, r.quality().orElseThrow().stalledSockets());
    }

    @Test
    void anIdleSocketWithNothingUnacknowledgedIsNeverStalled() {
        // a pool connection nobody used for ten minutes: no data waits, so no acknowledgement is due
        assertEquals(Health.GREEN, result(row(), socket(1, 1_000, 10, 0, 0, 600_000)).health());
    }

    @Test
    void unacknowledgedDataNotYetPastStallSecondsIsNotStalled() {
        assertEquals(Health.GREEN, result(row(), stalled(1, 12, 30_000)).health());
    }

    @Test
    void theStallSecondsColumnWinsOverTheSettingAndZeroTurnsTheCheckOff() {
        assertEquals(ConnectionReason.STALLED, result(row(1, 5, null, null), stalled(1, 1, 6_000)).reasonCode());
        assertEquals(Health.GREEN, result(row(1, 0, null, null), stalled(1, 1, 600_000)).health());
        ConnectionResult bySetting = evaluate(row(), List.of(stalled(1, 1, 11_000)), QualityHistory.EMPTY,
                OPTIONS.withStallSeconds(10)).connections().get(0);
        assertEquals("stalled: 11 s without an acknowledgement from 10.1.2.3:5432, 1 segments unacknowledged"
                + " (stallSeconds 10)", bySetting.reason());
    }

    @Test
    void aStalledSocketOfAnotherProcessIsNotTheRowsConcern() {
        SocketEntry other = socket(2, 11, new TcpQuality(2, 1_000, 10, 0, 5, 90_000, 0, 0));
        ConnectionResult r = result(row(), idle(1), other);
        assertEquals(Health.GREEN, r.health());
        assertEquals(0, r.quality().orElseThrow().stalledSockets());
    }

    @Test
    void theWorstRttAboveMaxRttMsIsYellowSlowNamingRttAndLimit() {
        ConnectionResult r = result(row(1, null, 100, null), socket(1, 20_000, 10, 0, 0, 0),
                socket(2, 250_400, 10, 0, 0, 0));
        assertEquals(Health.YELLOW, r.health());
        assertEquals(ConnectionReason.SLOW, r.reasonCode());
        assertEquals("slow: RTT 250.4 ms to 10.1.2.3:5432 above maxRttMs 100; 2 ESTABLISHED to 10.1.2.3:5432 by java"
                + " (expected at least 1)", r.reason());
        assertEquals(250_400, r.quality().orElseThrow().worstRttMicros());
    }

    @Test
    void anRttAtMaxRttMsIsNotSlow() {
        assertEquals(Health.GREEN, result(row(1, null, 100, null), socket(1, 100_000, 10, 0, 0, 0)).health());
    }

    @Test
    void retransmissionsSinceThePreviousScanAboveTheLimitAreYellowRetransmitting() {
        ConnectionRow row = row(1, null, null, 2.5);
        QualityHistory first = evaluate(row, List.of(socket(1, 1_000, 1_000, 10, 0, 0)), QualityHistory.EMPTY)
                .quality();
        ConnectionResult r = evaluate(row, List.of(socket(1, 1_000, 1_400, 22, 0, 0)), first).connections().get(0);
        assertEquals(Health.YELLOW, r.health());
        assertEquals(ConnectionReason.RETRANSMITTING, r.reasonCode());
        assertEquals("retransmitting: 12 of 400 segments sent since the previous scan retransmitted (3 %), above"
                + " maxRetransPercent 2.5; 1 ESTABLISHED to 10.1.2.3:5432 by java (expected at least 1)", r.reason());
    }

    @Test
    void noRetransmissionVerdictOnTheFirstScanNorUnder100SegmentsSent() {
        ConnectionRow row = row(1, null, null, 1.0);
        Evaluation first = evaluate(row, List.of(socket(1, 1_000, 1_000, 500, 0, 0)), QualityHistory.EMPTY);
        assertEquals(Health.GREEN, first.connections().get(0).health(), "no previous scan: no verdict");
        ConnectionResult few = evaluate(row, List.of(socket(1, 1_000, 1_099, 550, 0, 0)), first.quality())
                .connections().get(0);
        assertEquals(Health.GREEN, few.health(), "99 segments since the previous scan: no verdict");
    }

    @Test
    void countersAreSumsOfPerSocketDeltasAndOnlyGrowAsSocketsComeAndGo() {
        ConnectionRow row = row();
        List<List<SocketEntry>> scans = List.of(
                List.of(socket(1, 1_000, 100, 1, 0, 0)),
                List.of(socket(1, 1_000, 150, 2, 0, 0), socket(2, 1_000, 50, 5, 0, 0)), // 2 is new: from zero
                List.of(socket(2, 1_000, 70, 5, 0, 0)), // 1 is gone: keeps what it added
                List.of(),                              // every socket gone
                List.of(socket(3, 1_000, 10, 0, 0, 0), socket(2, 1_000, 80, 6, 0, 0))); // 2 back, 3 new
        long[] sent = {100, 200, 220, 220, 240};
        long[] retransmitted = {1, 7, 7, 7, 8};
        QualityHistory history = QualityHistory.EMPTY;
        List<Long> seen = new ArrayList<>();
        for (int i = 0; i < scans.size(); i++) {
            Evaluation e = evaluate(row, scans.get(i), history);
            ConnectionQuality q = e.connections().get(0).quality().orElseThrow();
            assertEquals(sent[i], q.sentSegments(), "scan " + i);
            assertEquals(retransmitted[i], q.retransmittedSegments(), "scan " + i);
            seen.add(q.sentSegments());
            history = e.quality();
        }
        ConnectionQuality none = evaluate(row, List.of(), QualityHistory.EMPTY).connections().get(0).quality()
                .orElse(null);
        assertEquals(null, none, "a row never measured has no figures");
        assertEquals(List.of(100L, 200L, 220L, 220L, 240L), seen);
    }

    @Test
    void manyRowsMatchingTheSameSocketsKeepEachSocketsCountersOnceAndEachRowItsSums() {
        List<ConnectionRow> rows = new ArrayList<>();
        for (int r = 0; r < 50; r++) { // overlapping rows, as a fleet file may have: every one matches every socket
            rows.add(Rows.connection("db" + r).remoteIP("10.1.2.3").remotePort(5432).proc("java").min(1).build());
        }
        List<SocketEntry> first = new ArrayList<>();
        List<SocketEntry> second = new ArrayList<>();
        for (int c = 1; c <= 200; c++) {
            first.add(socket(c, 1_000, 100, 1, 0, 0));
            second.add(socket(c, 1_000, 110, 2, 0, 0));
        }
        Evaluation one = evaluateAll(rows, first, QualityHistory.EMPTY);
        Evaluation two = evaluateAll(rows, second, one.quality());
        assertEquals(200, two.quality().socketCount(), "one entry a socket, not one a row and socket");
        for (ConnectionResult r : two.connections()) {
            ConnectionQuality q = r.quality().orElseThrow();
            assertEquals(200 * 110, q.sentSegments(), r.id());
            assertEquals(200 * 2, q.retransmittedSegments(), r.id());
        }
    }

    @Test
    void rowsPastTheBudgetOfSocketVisitsAreNotMeasuredThatScanAndKeepTheirSums() {
        List<ConnectionRow> rows = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            rows.add(Rows.connection("db" + r).remoteIP("10.1.2.3").remotePort(5432).proc("java").min(1).build());
        }
        List<SocketEntry> first = new ArrayList<>();
        List<SocketEntry> stalledNow = new ArrayList<>();
        for (int c = 1; c <= 100; c++) {
            first.add(socket(c, 1_000, 100, 1, 0, 0));
            stalledNow.add(socket(c, 1_000, 150, 1, 5, 60_000));
        }
        Evaluation one = evaluateAll(rows, first, QualityHistory.EMPTY);
        // 250 visits: two rows of 100 sockets fit, the third does not
        Evaluation two = Evaluator.evaluate(new Definitions(List.of(), rows), new SnapshotBuilder().process(JAVA, "java")
                .sockets(stalledNow).build(), ResolvedNames.NONE, OPTIONS, new QualityHistory.Builder(one.quality(), 250));
        assertEquals(1, two.quality().skippedRows());
        assertEquals(Health.YELLOW, two.connections().get(0).health(), "measured: stalled");
        assertEquals(Health.YELLOW, two.connections().get(1).health());
        ConnectionResult skipped = two.connections().get(2);
        assertEquals(Health.GREEN, skipped.health(), "not measured this scan: no verdict, the count stands");
        assertTrue(skipped.quality().isEmpty(), "no figures this scan");
        Evaluation three = evaluateAll(rows, stalledNow, two.quality());
        assertEquals(0, three.quality().skippedRows());
        // its sums go on from where they were (monotonic); what its sockets sent in the scan it was skipped in is
        // not added to it, as each socket's counters are kept once for every row
        assertEquals(100 * 100, three.connections().get(2).quality().orElseThrow().sentSegments());
        assertEquals(100 * 150, three.connections().get(0).quality().orElseThrow().sentSegments());
    }

    private static Evaluation evaluateAll(List<ConnectionRow> rows, List<SocketEntry> sockets, QualityHistory previous) {
        SnapshotBuilder b = new SnapshotBuilder().process(JAVA, "java").sockets(sockets);
        return Evaluator.evaluate(new Definitions(List.of(), rows), b.build(), ResolvedNames.NONE, OPTIONS, previous);
    }

    @Test
    void aSocketWhoseCountersGoBackwardsAddsNothing() {
        ConnectionRow row = row();
        QualityHistory first = evaluate(row, List.of(socket(1, 1_000, 500, 9, 0, 0)), QualityHistory.EMPTY).quality();
        ConnectionQuality q = evaluate(row, List.of(socket(1, 1_000, 400, 3, 0, 0)), first).connections().get(0)
                .quality().orElseThrow();
        assertEquals(500, q.sentSegments());
        assertEquals(9, q.retransmittedSegments());
    }

    @Test
    void aGoneSocketIsForgottenAfterAFewScans() {
        ConnectionRow row = row();
        QualityHistory h = evaluate(row, List.of(socket(1, 1_000, 100, 0, 0, 0)), QualityHistory.EMPTY).quality();
        for (int i = 0; i < QualityHistory.GONE_SCANS_KEPT; i++) {
            h = evaluate(row, List.of(), h).quality();
            assertEquals(1, h.socketCount(), "kept " + i);
        }
        h = evaluate(row, List.of(), h).quality();
        assertEquals(0, h.socketCount());
        assertEquals(100, h.row("db").sentTotal());
    }

    @Test
    void unknownQualityGivesNoVerdictNoFiguresAndNoHistory() {
        ConnectionRow row = row(1, 1, 1, 0.0);
        SocketEntry unknown = Sockets.tcp("10.0.0.1", 40001, "10.1.2.3", 5432, SocketState.ESTABLISHED, 1, JAVA);
        Evaluation e = evaluate(row, List.of(unknown), QualityHistory.EMPTY);
        ConnectionResult r = e.connections().get(0);
        assertEquals(Health.GREEN, r.health());
        assertEquals(ConnectionReason.COUNT_AS_EXPECTED, r.reasonCode());
        assertFalse(r.quality().isPresent());
        assertSame(QualityHistory.EMPTY, e.quality());
    }

    @Test
    void qualityReasonsDoNotHideACountProblem() {
        ConnectionResult r = result(row(3, null, 100, null), socket(1, 900_000, 10, 0, 0, 0));
        assertEquals(ConnectionReason.TOO_FEW, r.reasonCode());
    }
}
