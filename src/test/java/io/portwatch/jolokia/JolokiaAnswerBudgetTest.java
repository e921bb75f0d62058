package io.portwatch.jolokia;

import io.portwatch.http.HttpLimits;
import io.portwatch.stack.Json;
import io.portwatch.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rule 1 of docs/design.md §5 on Jolokia, over real HTTP on 127.0.0.1: an answer is judged by its size
 * ({@code jolokia.maxResponseSize}), a bulk stops running requests once its answer reaches the budget, and
 * clients that read slowly hold no worker thread.
 */
class JolokiaAnswerBudgetTest {

    /** How long a well-behaved client may wait for its answer while others attack: the bound. */
    private static final Duration GOOD_CLIENT_BOUND = Duration.ofSeconds(2);
    private static final String SETTING = "jolokia.maxResponseSize";

    private final TestMBeans mbeans = new TestMBeans();

    @AfterEach
    void unregister() throws Exception {
        mbeans.close();
    }

    private static String bulk(String request, int count) {
        StringJoiner body = new StringJoiner(",", "[", "]");
        for (int i = 0; i < count; i++) {
            body.add(request);
        }
        return body.toString();
    }

    private static HttpResponse<String> post(URI uri, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(URI uri, Duration timeout) throws Exception {
        return HttpClient.newBuilder().connectTimeout(timeout).build().send(HttpRequest.newBuilder(uri).timeout(timeout)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(Object entry) {
        return ((Number) Json.object(entry, "an answer").get("status")).intValue();
    }

    private static int count(List<?> answers, int status) {
        int n = 0;
        for (Object each : answers) {
            if (status(each) == status) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aBulkOfAHundredListsIsJudgedByTheSizeOfItsAnswer() throws Exception {
        JolokiaOptions options = JolokiaOptions.loopback(0);
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(options)) {
            HttpResponse<String> one = post(endpoint.url(), "{\"type\":\"list\"}");
            assertEquals(200, status(Json.parse(one.body())), one.body());
            int listBytes = one.body().getBytes(StandardCharsets.UTF_8).length;
            System.out.println("one list of portwatch:* and java.lang:* in this JVM: " + listBytes + " bytes");

            HttpResponse<String> response = post(endpoint.url(), bulk("{\"type\":\"list\"}", 100));
            assertEquals(200, response.statusCode());
            List<?> answers = Json.array(Json.parse(response.body()), "the bulk's answer");
            assertEquals(100, answers.size());
            int answered = count(answers, 200);
            assertEquals(options.maxResponseBytes() / (listBytes + 1), answered, "lists that fit the budget");
            assertEquals(100 - answered, count(answers, 413));
            String refusal = Json.object(answers.get(99), "the last answer").get("error").toString();
            assertTrue(refusal.contains(SETTING + " (1048576 bytes)"), refusal);
            assertTrue(response.body().length() < options.maxResponseBytes() + 100 * 300, response.body().length() + " bytes");
        }
    }

    @Test
    void theRequestsOfABulkAfterTheBudgetIsReachedAreNotRun() throws Exception {
        TestMBeans.Text text = mbeans.register("portwatch:type=Text,name=big", new TestMBeans.Text("x".repeat(300_000)));
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            HttpResponse<String> response = post(endpoint.url(),
                    bulk("{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,name=big\",\"attribute\":\"Text\"}", 100));
            List<?> answers = Json.array(Json.parse(response.body()), "the bulk's answer");
            assertEquals(3, count(answers, 200), "answers of 300 KB within 1 MB");
            assertEquals(97, count(answers, 413));
            assertEquals(4, text.reads.get(), "getters run: three answered, the fourth passed the budget, no more");
        }
    }

    @Test
    void aSingleAnswerOverTheBudgetIs413WithAJolokiaErrorObject() throws Exception {
        mbeans.register("portwatch:type=Text,name=big", new TestMBeans.Text("x".repeat(200_000)));
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0).withMaxResponseBytes(100_000))) {
            for (HttpResponse<String> response : List.of(
                    get(URI.create(endpoint.url() + "read/portwatch:type=Text,name=big/Text"), Duration.ofSeconds(10)),
                    post(endpoint.url(), "{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,name=big\",\"attribute\":\"Text\"}"))) {
                assertEquals(413, response.statusCode());
                Map<?, ?> error = Json.object(Json.parse(response.body()), "the refusal");
                assertEquals(413, status(error));
                assertEquals("ResponseTooLarge", error.get("error_type"));
                assertTrue(error.get("error").toString().contains(SETTING + " (100000 bytes)"), response.body());
            }
            assertEquals(200, get(URI.create(endpoint.url() + "version"), Duration.ofSeconds(10)).statusCode());
        }
    }

    /** Nobody listed this one: a pattern read, each MBean small, all of them together over the budget. */
    @Test
    void aWildcardReadWhoseAnswerIsOverTheBudgetIsRefusedToo() throws Exception {
        for (int i = 0; i < 15; i++) {
            mbeans.register("portwatch:type=Text,name=t" + i, new TestMBeans.Text("y".repeat(80_000)));
        }
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            HttpResponse<String> all = get(URI.create(endpoint.url() + "read/portwatch:type=Text,*/Text"), Duration.ofSeconds(10));
            assertEquals(413, all.statusCode());
            assertTrue(all.body().contains(SETTING), all.body());
            HttpResponse<String> some = get(URI.create(endpoint.url() + "read/portwatch:type=Text,name=t1*/Text"),
                    Duration.ofSeconds(10));
            assertEquals(200, some.statusCode(), "t1 and t10-t14: 480 KB");
            assertEquals(6, Json.object(Json.object(Json.parse(some.body()), "answer").get("value"), "value").size());
        }
    }

    @Test
    void clientsThatReadTheirLargeAnswersAByteASecondHoldNoWorkerThread() throws Exception {
        int slowReaders = 12; // more than the endpoint's 8 worker threads
        // answers of about 5 MB: more than the kernel's socket buffers take off the endpoint's hands
        mbeans.register("portwatch:type=Text,name=big", new TestMBeans.Text("x".repeat(400_000)));
        String body = bulk("{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,name=big\",\"attribute\":\"Text\"}", 12);
        String request = "POST /jolokia/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
        // a write deadline longer than building twelve answers takes on a busy machine: this test is about threads
        JolokiaOptions options = TestOptions.loopbackWith(h -> h.withLimits(HttpLimits.DEFAULTS
                .withWriteTimeout(Duration.ofSeconds(60)).withMaxBytesInFlight(100L << 20))).withMaxResponseBytes(6L << 20);
        ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();
        List<Socket> slow = new ArrayList<>();
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(options)) {
            for (int i = 0; i < slowReaders; i++) {
                Socket s = new Socket();
                slow.add(s);
                s.setReceiveBufferSize(1024);
                s.connect(new InetSocketAddress("127.0.0.1", endpoint.url().getPort()), 2000);
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            }
            for (Socket s : slow) { // each has its answer's first byte: every request was handled
                s.setSoTimeout(60_000);
                assertEquals('H', s.getInputStream().read());
                reader.scheduleAtFixedRate(() -> {
                    try {
                        s.getInputStream().read();
                    } catch (IOException e) {
                        // cut by the server
                    }
                }, 1, 1, TimeUnit.SECONDS);
            }
            HttpResponse<String> good = get(URI.create(endpoint.url() + "read/java.lang:type=Runtime/Uptime"),
                    GOOD_CLIENT_BOUND);
            assertEquals(200, good.statusCode());
            assertEquals(200, status(Json.parse(good.body())), good.body());
        } finally {
            reader.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    void bulksTakeAtMostHalfTheWorkerThreadsAndAReadStillGoesThrough() throws Exception {
        TestMBeans.Gate gate = mbeans.register("portwatch:type=Gate", new TestMBeans.Gate());
        String held = bulk("{\"type\":\"read\",\"mbean\":\"portwatch:type=Gate\",\"attribute\":\"Wait\"}", 1);
        ExecutorService clients = Executors.newFixedThreadPool(AnswerBudget.CONCURRENT_BULKS);
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            List<Future<HttpResponse<String>>> running = new ArrayList<>();
            for (int i = 0; i < AnswerBudget.CONCURRENT_BULKS; i++) {
                running.add(clients.submit(() -> post(endpoint.url(), held)));
            }
            Poll.until(Duration.ofSeconds(10), () -> gate.waiting.get() + " bulks waiting in the getter",
                    () -> gate.waiting.get() == AnswerBudget.CONCURRENT_BULKS);

            HttpResponse<String> refused = post(endpoint.url(), bulk("{\"type\":\"version\"}", 2));
            assertEquals(503, refused.statusCode());
            assertEquals(503, status(Json.parse(refused.body())), refused.body());
            HttpResponse<String> read = get(URI.create(endpoint.url() + "read/java.lang:type=Runtime/Uptime"), GOOD_CLIENT_BOUND);
            assertEquals(200, status(Json.parse(read.body())), read.body());

            gate.open.countDown();
            for (Future<HttpResponse<String>> each : running) {
                assertEquals("opened", Json.object(Json.array(Json.parse(each.get(30, TimeUnit.SECONDS).body()), "bulk")
                        .get(0), "answer").get("value"));
            }
            assertEquals(200, post(endpoint.url(), bulk("{\"type\":\"version\"}", 2)).statusCode(), "room again");
        } finally {
            gate.open.countDown();
            clients.shutdownNow();
        }
    }

    /** Registers {@code n} small Text MBeans {@code portwatch:type=Text,name=t<i>}, as many as a large definitions file's rows. */
    private List<TestMBeans.Text> manyTexts(int n) throws Exception {
        List<TestMBeans.Text> texts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            texts.add(mbeans.register("portwatch:type=Text,name=t" + i, new TestMBeans.Text("row " + i)));
        }
        return texts;
    }

    private static int reads(List<TestMBeans.Text> texts) {
        return texts.stream().mapToInt(t -> t.reads.get()).sum();
    }

    @Test
    void aRequestOverMoreMBeansThanTheBudgetCanAnswerIsRefusedBeforeItRuns() throws Exception {
        // 2,100 MBeans: a read of them all is at least 2,100 x 512 bytes, more than the 1 MB budget
        List<TestMBeans.Text> texts = manyTexts(2_100);
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            for (HttpResponse<String> response : List.of(
                    get(URI.create(endpoint.url() + "read/portwatch:type=Text,*"), Duration.ofSeconds(10)),
                    post(endpoint.url(), "{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,*\"}"),
                    post(endpoint.url(), "{\"type\":\"list\",\"path\":\"portwatch\"}"))) {
                assertEquals(413, response.statusCode(), response.body());
                Map<?, ?> error = Json.object(Json.parse(response.body()), "the refusal");
                assertEquals("ResponseTooLarge", error.get("error_type"));
                assertTrue(error.get("error").toString().startsWith("Not run: it reaches 21"), response.body());
            }
            assertEquals(0, reads(texts), "no getter ran: the answer was never built");
            // a narrower pattern is answered as before
            HttpResponse<String> narrow = get(URI.create(endpoint.url() + "read/portwatch:type=Text,name=t1*"),
                    Duration.ofSeconds(10));
            assertEquals(200, narrow.statusCode(), narrow.body());
            assertEquals(200, status(Json.parse(narrow.body())), narrow.body());
        }
    }

    @Test
    void inABulkAWideRequestOverTheBudgetIsRefusedAndNothingAfterItRuns() throws Exception {
        List<TestMBeans.Text> texts = manyTexts(2_100);
        try (JolokiaEndpoint endpoint = JolokiaEndpoint.start(JolokiaOptions.loopback(0))) {
            HttpResponse<String> response = post(endpoint.url(), "["
                    + "{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,name=t7\",\"attribute\":\"Text\"},"
                    + "{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,*\"},"
                    + "{\"type\":\"read\",\"mbean\":\"portwatch:type=Text,name=t8\",\"attribute\":\"Text\"}]");
            List<?> answers = Json.array(Json.parse(response.body()), "the bulk's answer");
            assertEquals(List.of(200, 413, 413), answers.stream().map(JolokiaAnswerBudgetTest::status).toList());
            assertEquals(1, reads(texts), "only the request before the wide one ran");
        }
    }
}
