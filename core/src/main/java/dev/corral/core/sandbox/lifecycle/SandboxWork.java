package dev.corral.core.sandbox.lifecycle;

import dev.corral.core.sandbox.SandboxId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How much work runs in each sandbox right now: commands, file transfers and file watches. The idle reaper never
 * pauses a sandbox at work, however long the work takes.
 *
 * <p>Threading: any thread may begin and end work; counts are atomic per sandbox.
 */
public final class SandboxWork {
    private final ConcurrentHashMap<SandboxId, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** Counts one piece of work in {@code id} until the returned handle is closed (closing twice counts once). */
    public Piece begin(SandboxId id) {
        AtomicInteger count = inFlight.computeIfAbsent(id, k -> new AtomicInteger());
        count.incrementAndGet();
        return new Piece(count);
    }

    /** Whether any work runs in the sandbox now. */
    public boolean isBusy(SandboxId id) {
        AtomicInteger count = inFlight.get(id);
        return count != null && count.get() > 0;
    }

    /** Drops the count of a deleted sandbox. */
    public void forget(SandboxId id) {
        inFlight.remove(id);
    }

    /** One piece of work in progress; closing it ends it. */
    public static final class Piece implements AutoCloseable {
        private final AtomicInteger count;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Piece(AtomicInteger count) {
            this.count = count;
        }

        @Override
        public void close() {
            if (ended.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }
}
