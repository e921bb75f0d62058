package io.portwatch.testing;

import io.portwatch.state.MonitorState;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Holds the current published state (at first {@code new StateBuilder().build()}) and hands each next one to a
 * listener with the one it replaces, as the monitor does; no scan, no OS.
 */
public final class FakeMonitor implements Supplier<MonitorState> {

    private final AtomicReference<MonitorState> state = new AtomicReference<>(new StateBuilder().build());
    private volatile BiConsumer<MonitorState, MonitorState> listener = (previous, next) -> { };

    /** Who hears of each {@link #publish}: (previous, next), e.g. {@code publisher::published}. */
    public void onPublish(BiConsumer<MonitorState, MonitorState> l) {
        listener = Objects.requireNonNull(l, "listener");
    }

    /** Swaps the state and tells the listener. */
    public void publish(MonitorState next) {
        MonitorState previous = state.getAndSet(next);
        listener.accept(previous, next);
    }

    /** Swaps the state without telling the listener (a reader between swap and listener). */
    public void swapOnly(MonitorState next) {
        state.set(next);
    }

    @Override
    public MonitorState get() {
        return state.get();
    }
}
