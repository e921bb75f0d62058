package io.portwatch.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portwatch.config.Settings;
import io.portwatch.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The runtime passes {@code prometheus.pidLabel} and {@code prometheus.netnsLabel} to the endpoint: a real scan of
 * this host, served on a real port, has the labels the settings ask for on {@code portwatch_process_sockets}.
 */
class RuntimeProcessLabelsTest {

    private static final Pattern NETNS = Pattern.compile("netns=\"([^\"]*)\"");

    @TempDir
    Path definitions;

    @Test
    void netnsLabelSettingSplitsProcessSocketsByNamespaceName() throws Exception {
        List<String> lines = processSockets(Map.of("prometheus.netnsLabel", "true"));
        for (String line : lines) {
            Matcher m = NETNS.matcher(line);
            assertTrue(m.find() && !m.group(1).isEmpty(), () -> "no namespace name: " + line);
            assertFalse(line.contains("pid="), line);
        }
        List<String> both = processSockets(Map.of("prometheus.netnsLabel", "true", "prometheus.pidLabel", "true"));
        assertTrue(both.stream().allMatch(l -> l.contains("pid=\"") && NETNS.matcher(l).find()), () -> String.join("\n", both));
    }

    @Test
    void withoutTheSettingProcessSocketsHaveNoNetnsLabel() throws Exception {
        List<String> lines = processSockets(Map.of());
        assertTrue(lines.stream().noneMatch(l -> l.contains("netns=")), () -> String.join("\n", lines));
    }

    /** The portwatch_process_sockets lines of the first scrape with results, portwatch run with {@code extra}. */
    private List<String> processSockets(Map<String, String> extra) throws Exception {
        int port = ChildJvm.freePort();
        Map<String, String> args = new java.util.HashMap<>(Map.of("definitions", definitions.toString(), "interval", "1",
                "prometheus.port", Integer.toString(port), "jolokia.enabled", "false"));
        args.putAll(extra);
        PortwatchRuntime runtime = PortwatchRuntime.start(Settings.resolve(args, "--", Map.of()), false);
        try {
            HttpClient http = HttpClient.newHttpClient();
            String[] last = {""};
            String body = Poll.value(Duration.ofSeconds(30), () -> "no portwatch_process_sockets; last: " + last[0], () -> {
                try {
                    last[0] = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (IOException e) {
                    last[0] = e.toString();
                }
                return last[0].contains("\nportwatch_process_sockets{") ? last[0] : null;
            });
            List<String> lines = Arrays.stream(body.split("\n")).filter(l -> l.startsWith("portwatch_process_sockets{"))
                    .collect(Collectors.toList());
            assertFalse(lines.isEmpty(), body);
            assertEquals(lines.size(), lines.stream().distinct().count(), body);
            return lines;
        } finally {
            runtime.close();
        }
    }
}
