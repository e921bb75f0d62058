package io.portwatch.jolokia;

import io.portwatch.stack.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 4 of docs/design.md §5 on Jolokia, over real HTTP on 127.0.0.1: whatever a string of an MBean holds — a
 * process name with ESC, an application's attribute with any control character — the answer is valid JSON (read by
 * a strict parser) and gives the string back exactly.
 */
class JolokiaJsonTest {

    /** Every C0 control character, DEL, the JavaScript line and paragraph separators, and a quote and backslash. */
    static final String HOSTILE;

    static {
        StringBuilder text = new StringBuilder("<");
        for (char c = 0; c < 0x20; c++) {
            text.append(c);
        }
        HOSTILE = text.append('\u007f').append('\u2028').append('\u2029').append("\"\\/>").toString();
    }

    private final TestMBeans mbeans = new TestMBeans();

    @AfterEach
    void unregister() throws Exception {
        mbeans.close();
    }

    private static String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private static Object value(Object answer) {
        Map<?, ?> object = Json.object(answer, "an answer");
        assertEquals(200, ((Number) object.get("status")).intValue(), object.toString());
        return object.get("value");
    }

    @Test
    void anyCharacterInAStringAttributeIsValidJsonInEveryKindOfAnswer() throws Exception {
        mbeans.register("portwatch:type=Text,name=hostile", new TestMBeans.Text(HOSTILE));
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            URI base = endpoint.url();
            String single = "{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,name=hostile\",\"attribute\":\"Text\"}";

            String get = send(HttpRequest.newBuilder(base.resolve("read/portwatch:type=Text,name=hostile/Text")));
            assertEquals(HOSTILE, value(Json.parse(get)));

            String post = send(HttpRequest.newBuilder(base).POST(HttpRequest.BodyPublishers.ofString(single)));
            assertEquals(HOSTILE, value(Json.parse(post)));

            String bulk = send(HttpRequest.newBuilder(base).POST(HttpRequest.BodyPublishers.ofString("[" + single + "," + single + "]")));
            List<?> answers = Json.array(Json.parse(bulk), "the bulk's answer");
            assertEquals(HOSTILE, value(answers.get(0)));
            assertEquals(HOSTILE, value(answers.get(1)));

            String whole = send(HttpRequest.newBuilder(base.resolve("read/portwatch:type=Text,name=hostile")));
            assertEquals(HOSTILE, Json.object(value(Json.parse(whole)), "all attributes").get("Text"));
        }
    }

    /** Nobody listed this one: the control characters are in an MBean's name, a key of list and pattern answers. */
    @Test
    void controlCharactersInAnMBeanNameAreValidJsonToo() throws Exception {
        String name = "a\u001bb\u000bc\u001fd\u007f";
        ObjectName objectName = new ObjectName("portwatch", "type", name);
        mbeans.register(objectName.getCanonicalName(), new TestMBeans.Text("t"));
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            URI base = endpoint.url();
            Object search = value(Json.parse(send(HttpRequest.newBuilder(base.resolve("search/portwatch:*")))));
            assertTrue(Json.array(search, "search").contains(objectName.getCanonicalName()), search.toString());

            Map<?, ?> list = Json.object(value(Json.parse(send(HttpRequest.newBuilder(base.resolve("list/portwatch"))))), "list");
            assertTrue(list.containsKey(objectName.getKeyPropertyListString()), list.keySet().toString());

            String pattern = "read/" + URLEncoder.encode("portwatch:type=a*", StandardCharsets.UTF_8) + "/Text";
            Map<?, ?> read = Json.object(value(Json.parse(send(HttpRequest.newBuilder(base.resolve(pattern))))), "read");
            assertEquals(Map.of("Text", "t"), read.get(objectName.getCanonicalName()));
        }
    }

    @Test
    void onlyTheDigitsOfBrokenEscapesAreRepaired() {
        byte[] broken = "{\"a\":\"\\u001;\\u000?\\\\u001;\",\"\\u0007\":1}".getBytes(StandardCharsets.UTF_8);
        JsonEscapes.repair(broken, broken.length);
        assertEquals("{\"a\":\"\\u001b\\u000f\\\\u001;\",\"\\u0007\":1}", new String(broken, StandardCharsets.UTF_8));
    }
}
