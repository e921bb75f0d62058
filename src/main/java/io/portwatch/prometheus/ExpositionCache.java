package io.portwatch.prometheus;

import io.portwatch.state.MonitorState;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The rendered bytes of the published state, one entry per format and encoding. A state is rendered
 * once, by the first scrape that asks for it; scrapes that come while it renders get the previous
 * state's bytes at once instead of waiting (they are at most one scan older, and a scrape never waits
 * for a scan or a rendering of someone else's). Only before anything was rendered does a scrape wait
 * for the first rendering.
 */
final class ExpositionCache {

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /**
     * The bytes for {@code state} under {@code key} (format and encoding): rendered with {@code render}
     * when nobody has yet, or those of the previous state while another scrape renders this one.
     */
    byte[] bytes(String key, MonitorState state, Supplier<byte[]> render) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        Rendered last = slot.last;
        if (last != null && last.state == state) {
            return last.bytes;
        }
        if (last != null) {
            if (!slot.rendering.tryLock()) {
                return last.bytes; // another scrape renders the new state: serve the previous one
            }
        } else {
            slot.rendering.lock(); // nothing to serve yet
        }
        try {
            Rendered now = slot.last;
            if (now == null || now.state != state) {
                now = new Rendered(state, render.get());
                slot.last = now;
            }
            return now.bytes;
        } finally {
            slot.rendering.unlock();
        }
    }

    private static final class Slot {
        final ReentrantLock rendering = new ReentrantLock();
        volatile Rendered last;
    }

    private record Rendered(MonitorState state, byte[] bytes) {
    }
}
