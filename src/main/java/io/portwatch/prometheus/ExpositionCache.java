package io.portwatch.prometheus;

import io.portwatch.state.MonitorState;

import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What was rendered of the published state, one entry per format and encoding. A state is rendered
 * once, for the first scrape that asks for it; scrapes that come while it renders get the previous
 * state's bytes at once instead of waiting (they are at most one scan older, and a scrape never waits
 * for a scan or a rendering of someone else's). Only before anything was rendered does a scrape wait
 * for the first rendering.
 */
final class ExpositionCache<T> {

    private final Map<String, Slot<T>> slots = new ConcurrentHashMap<>();

    /**
     * What {@code state} renders to under {@code key} (format and encoding): rendered with {@code render}
     * when nobody has yet, or the previous state's while another scrape renders this one.
     */
    T get(String key, MonitorState state, Supplier<T> render) {
        Slot<T> slot = slots.computeIfAbsent(key, k -> new Slot<>());
        Rendered<T> last = slot.last;
        if (last != null && last.isOf(state)) {
            return last.value;
        }
        if (last != null) {
            if (!slot.rendering.tryLock()) {
                return last.value; // another scrape renders the new state: serve the previous one
            }
        } else {
            slot.rendering.lock(); // nothing to serve yet
        }
        try {
            Rendered<T> now = slot.last;
            if (now == null || !now.isOf(state)) {
                now = new Rendered<>(new WeakReference<>(state), render.get());
                slot.last = now;
            }
            return now.value;
        } finally {
            slot.rendering.unlock();
        }
    }

    private static final class Slot<T> {
        final ReentrantLock rendering = new ReentrantLock();
        volatile Rendered<T> last;
    }

    /**
     * A rendering and the state it was made of, held weakly: the bytes are what is served, and an old state (its
     * definitions and evaluation) must not stay in memory beside the published one until the next scrape.
     */
    private record Rendered<T>(WeakReference<MonitorState> state, T value) {
        boolean isOf(MonitorState s) {
            return state.get() == s;
        }
    }
}
