package dev.corral.core.sandbox;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per sandbox for its state transitions (create, pause, resume, delete, reconcile), so that two
 * transitions of one sandbox never interleave while different sandboxes never wait for each other. A
 * {@link ReentrantLock}, not {@code synchronized}: transitions block on the runtime.
 */
final class SandboxLocks {
    private final ConcurrentHashMap<SandboxId, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T with(SandboxId id, Supplier<T> transition) {
        ReentrantLock lock = locks.computeIfAbsent(id, k -> new ReentrantLock());
        lock.lock();
        try {
            return transition.get();
        } finally {
            lock.unlock();
        }
    }

    void forget(SandboxId id) {
        locks.remove(id);
    }
}
