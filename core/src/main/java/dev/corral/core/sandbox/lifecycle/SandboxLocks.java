package dev.corral.core.sandbox.lifecycle;

import dev.corral.core.sandbox.SandboxId;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The locks that serialize the state transitions of each sandbox (create, pause, resume, delete, ...), so that two
 * transitions of one sandbox never interleave. A fixed set of stripes instead of a lock per sandbox, so that no
 * lock has to be removed when its sandbox goes (which would race with a thread about to take it); two sandboxes
 * sharing a stripe only wait for each other now and then. Reentrant locks rather than monitors, because
 * transitions block on the runtime while holding them.
 *
 * <p>Each owner (the service, the runtime) has its own instance; the service takes its lock before calling the
 * runtime, never the other way round, so the two cannot deadlock.
 */
public final class SandboxLocks {
    private static final int STRIPES = 64;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    public SandboxLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    public ReentrantLock of(SandboxId id) {
        return stripes[Math.floorMod(id.value().hashCode(), STRIPES)];
    }

    /** Runs {@code transition} holding the sandbox's lock. */
    public <T> T with(SandboxId id, Supplier<T> transition) {
        ReentrantLock lock = of(id);
        lock.lock();
        try {
            return transition.get();
        } finally {
            lock.unlock();
        }
    }
}
