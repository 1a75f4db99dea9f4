package dev.corral.testkit.fake;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The one lock an in-memory fake makes its changes under, so that a check and the change it guards (a unique slug,
 * then the insert) are one step. Reads of concurrent maps need not take it.
 */
final class WriteLock {
    private final ReentrantLock lock = new ReentrantLock();

    /** Runs {@code change} holding the lock and returns what it returns. */
    <T> T call(Supplier<T> change) {
        lock.lock();
        try {
            return change.get();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code change} holding the lock. */
    void run(Runnable change) {
        call(() -> {
            change.run();
            return null;
        });
    }
}
