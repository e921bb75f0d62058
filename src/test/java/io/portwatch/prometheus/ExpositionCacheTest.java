package io.portwatch.prometheus;

import io.portwatch.state.MonitorState;
import io.portwatch.testing.Poll;
import io.portwatch.testing.States;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A scrape never waits for another scrape's rendering once something was rendered. */
class ExpositionCacheTest {

    private static final byte[] A = {'a'};
    private static final byte[] B = {'b'};

    @Test
    void eachStateIsRenderedOncePerKey() {
        ExpositionCache<byte[]> cache = new ExpositionCache<byte[]>();
        MonitorState first = States.initial();
        MonitorState second = States.scanned();
        AtomicInteger renders = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(A, cache.get("text", first, () -> count(renders, A)));
            assertArrayEquals(B, cache.get("text+gzip", first, () -> count(renders, B)));
        }
        assertEquals(2, renders.get(), "one rendering per key and state");
        assertArrayEquals(B, cache.get("text", second, () -> count(renders, B)));
        assertEquals(3, renders.get(), "a new state is rendered again");
    }

    @Test
    void whileANewStateRendersOtherScrapesGetThePreviousBytesAtOnce() throws Exception {
        ExpositionCache<byte[]> cache = new ExpositionCache<byte[]>();
        MonitorState first = States.initial();
        MonitorState second = States.scanned();
        assertArrayEquals(A, cache.get("text", first, () -> A));

        CountDownLatch rendering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<byte[]> renderer = CompletableFuture.supplyAsync(() -> cache.get("text", second, () -> {
            rendering.countDown();
            await(release);
            return B;
        }));
        assertTrue(rendering.await(10, TimeUnit.SECONDS), "the first scrape of the new state renders it");

        AtomicInteger renders = new AtomicInteger();
        assertArrayEquals(A, cache.get("text", second, () -> count(renders, B)),
                "a scrape during the rendering gets the previous state's bytes");
        assertEquals(0, renders.get(), "and renders nothing itself");
        assertFalse(renderer.isDone());

        release.countDown();
        assertArrayEquals(B, renderer.get(10, TimeUnit.SECONDS));
        assertArrayEquals(B, cache.get("text", second, () -> count(renders, A)), "then everyone gets the new bytes");
        assertEquals(0, renders.get());
    }

    @Test
    void beforeAnythingWasRenderedAScrapeWaitsForTheFirstRendering() throws Exception {
        ExpositionCache<byte[]> cache = new ExpositionCache<byte[]>();
        MonitorState state = States.scanned();
        CountDownLatch rendering = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> cache.get("text", state, () -> {
            rendering.countDown();
            await(release);
            return A;
        }));
        assertTrue(rendering.await(10, TimeUnit.SECONDS));
        AtomicInteger renders = new AtomicInteger();
        CompletableFuture<byte[]> second = new CompletableFuture<>();
        Thread scrape = new Thread(() -> second.complete(cache.get("text", state, () -> count(renders, B))),
                "portwatch-test-second-scrape");
        scrape.setDaemon(true);
        scrape.start();
        Poll.until(Duration.ofSeconds(10), () -> "the second scrape did not come to wait: " + scrape.getState(), () -> {
            assertFalse(second.isDone(), "nothing to serve yet: the second scrape must wait, not answer");
            return scrape.getState() == Thread.State.WAITING;
        });
        assertFalse(second.isDone(), "nothing to serve yet: it waits");
        release.countDown();
        assertArrayEquals(A, first.get(10, TimeUnit.SECONDS));
        assertArrayEquals(A, second.get(10, TimeUnit.SECONDS), "the same rendering, not a second one");
        assertEquals(0, renders.get());
    }

    private static byte[] count(AtomicInteger renders, byte[] bytes) {
        renders.incrementAndGet();
        return bytes;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
