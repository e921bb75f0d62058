package io.portwatch.prometheus;

import static org.junit.jupiter.api.Assertions.fail;

import io.portwatch.state.MonitorState;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Renders states the way the endpoint does, without a server; reads golden files. */
final class Exposition {

    /** The Accept header Prometheus sends for OpenMetrics 1.0. */
    static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    /** Set this system property to rewrite the golden files from the current output (then review the diff). */
    static final String UPDATE_GOLDEN = "portwatch.updateGolden";

    private static final ExpositionFormats FORMATS = ExpositionFormats.init(PrometheusProperties.builder().build());

    private Exposition() {
    }

    /** The body a scrape with that Accept header ({@code null} for none) gets. */
    static String render(MonitorState state, boolean pidLabel, String accept) {
        return render(state, new ProcessLabels(pidLabel, false), accept);
    }

    /** {@code state} with the opt-in labels of {@code portwatch_process_sockets}, in the format {@code accept} asks. */
    static String render(MonitorState state, ProcessLabels labels, String accept) {
        ExpositionFormatWriter writer = FORMATS.findWriter(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, PortwatchCollector.snapshots(state, labels), EscapingScheme.fromAcceptHeader(accept));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The golden file {@code name} of {@code testClass} (in its resource folder). With
     * {@code -Dportwatch.updateGolden=true} it is first rewritten with {@code actual} under
     * {@code src/test/resources}.
     */
    static String golden(Class<?> testClass, String name, String actual) {
        String resource = testClass.getSimpleName() + "/" + name;
        if (Boolean.getBoolean(UPDATE_GOLDEN)) {
            Path file = Path.of(System.getProperty("basedir", "."), "src/test/resources",
                    testClass.getPackageName().replace('.', '/'), resource);
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            return actual;
        }
        try (InputStream in = testClass.getResourceAsStream(resource)) {
            if (in == null) {
                return fail("missing golden file " + resource + "; run with -D" + UPDATE_GOLDEN + "=true to write it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return fail("cannot read " + resource, e);
        }
    }
}
