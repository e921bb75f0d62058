package io.portwatch.prometheus;

import io.portwatch.http.EndpointOptions;
import io.portwatch.state.MonitorState;

/**
 * A child process for {@link MaxDefinitionsHostTest}: a host that keeps {@code args[0]} MB of its heap in use and
 * serves {@code /metrics} for the maximum definitions ({@link MaxDefinitions}, every row RED) on a free loopback port
 * with the default limits; prints {@code PORT <n> USED <MB>} (the heap in use after a GC) and stops when its stdin
 * closes.
 */
public final class MaxDefinitionsServer {

    private MaxDefinitionsServer() {
    }

    public static void main(String[] args) throws Exception {
        byte[][] ballast = new byte[Integer.parseInt(args[0]) * 16][]; // 64 KiB each: never a humongous region
        for (int i = 0; i < ballast.length; i++) {
            ballast[i] = new byte[1 << 16];
        }
        MonitorState state = MaxDefinitions.state();
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(
                EndpointOptions.plain(EndpointOptions.Keys.PROMETHEUS, "127.0.0.1", 0), () -> state,
                new ProcessLabels(false, false), ExpositionLimits.DEFAULTS)) {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            System.out.println("PORT " + endpoint.port() + " USED " + (rt.totalMemory() - rt.freeMemory()) / (1 << 20));
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our stdin
            }
        }
        System.out.println(ballast.length / 16 + " MB kept");
    }
}
