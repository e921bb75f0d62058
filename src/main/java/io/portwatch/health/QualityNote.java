package io.portwatch.health;

import io.portwatch.config.ConnectionRow;
import io.portwatch.config.Definitions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one sentence {@code validate} and the start line say when connection rows ask for connection quality
 * (docs/design.md §3) and the socket source does not measure it: those checks then give no verdict, never a YELLOW.
 */
public final class QualityNote {

    private QualityNote() {
    }

    /**
     * {@code stalled (2 rows), maxRttMs (1 row) need the netlink reader: the linux source does not measure TCP
     * quality, so they give no verdict}; empty when the source measures it or no row asks.
     *
     * @param stallSeconds {@code connections.stallSeconds}: rows without the column judge stalls with it (0 = off)
     */
    public static Optional<String> of(Definitions definitions, boolean measured, String sourceName, int stallSeconds) {
        if (measured) {
            return Optional.empty();
        }
        int stalled = 0;
        int rtt = 0;
        int retrans = 0;
        for (ConnectionRow row : definitions.connections()) {
            stalled += row.quality().stallSeconds(stallSeconds) > 0 ? 1 : 0;
            rtt += row.quality().maxRttMs().isPresent() ? 1 : 0;
            retrans += row.quality().maxRetransPercent().isPresent() ? 1 : 0;
        }
        List<String> asked = new ArrayList<>();
        add(asked, "stalled", stalled);
        add(asked, "maxRttMs", rtt);
        add(asked, "maxRetransPercent", retrans);
        if (asked.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(String.join(", ", asked) + (asked.size() == 1 ? " needs" : " need")
                + " the netlink reader: the " + sourceName + " source does not measure TCP quality, so "
                + (asked.size() == 1 ? "it gives" : "they give") + " no verdict");
    }

    private static void add(List<String> asked, String what, int rows) {
        if (rows > 0) {
            asked.add(what + " (" + rows + (rows == 1 ? " row)" : " rows)"));
        }
    }
}
