package dev.corral.core.sandbox;

import dev.corral.core.error.CorralException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many of one thing (commands, SSH sessions) a sandbox and this server hold at once: each takes a slot of
 * both before it starts and gives them back when it ends. Past either limit the answer comes at once, never by
 * waiting for a slot: {@code quota_exceeded} for the sandbox's (a plan or per-sandbox limit), {@code rate_limited}
 * with a retry hint for the server's (busy for everyone; it passes).
 *
 * <p>Threading: any thread; each limit is a {@link Semaphore} taken with {@code tryAcquire}. A sandbox's semaphore
 * is made with the limit given at its first slot and dropped by {@link #forget} when the sandbox is deleted (a
 * tier changed in between applies from then on).
 */
public final class SandboxSlots {
    private final int serverLimit;
    private final Wording wording;
    private final Semaphore server;
    private final ConcurrentHashMap<SandboxId, Semaphore> sandboxes = new ConcurrentHashMap<>();

    /**
     * What a refusal says and when the server's may be retried.
     *
     * @param sandboxFull a format of the sandbox id and its limit
     * @param serverFull  a format of the server's limit
     */
    public record Wording(String sandboxFull, String serverFull, Duration serverRetry) {
    }

    public SandboxSlots(int serverLimit, Wording wording) {
        if (serverLimit <= 0) {
            throw new IllegalArgumentException("serverLimit must be positive: " + serverLimit);
        }
        this.serverLimit = serverLimit;
        this.wording = wording;
        this.server = new Semaphore(serverLimit);
    }

    /**
     * A slot for one more in {@code id}, which the caller closes when it has ended.
     *
     * @param sandboxLimit the sandbox's limit
     * @throws CorralException {@code quota_exceeded} when the sandbox holds {@code sandboxLimit} already,
     *                         {@code rate_limited} when the server holds as many as it may
     */
    public Slot take(SandboxId id, int sandboxLimit) {
        Semaphore sandbox = sandboxes.computeIfAbsent(id, k -> new Semaphore(sandboxLimit));
        if (!sandbox.tryAcquire()) {
            throw CorralException.quotaExceeded(wording.sandboxFull().formatted(id, sandboxLimit));
        }
        if (!server.tryAcquire()) {
            sandbox.release();
            throw CorralException.rateLimited(wording.serverFull().formatted(serverLimit), wording.serverRetry());
        }
        return new Slot(sandbox, server);
    }

    /** How many slots are taken on the server now. */
    public int taken() {
        return serverLimit - server.availablePermits();
    }

    /** Drops a deleted sandbox's count; what still holds a slot gives it back to nobody. */
    public void forget(SandboxId id) {
        sandboxes.remove(id);
    }

    /** One place in both counts; closing it gives both back, once. */
    public static final class Slot implements AutoCloseable {
        private final Semaphore sandbox;
        private final Semaphore server;
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot(Semaphore sandbox, Semaphore server) {
            this.sandbox = sandbox;
            this.server = server;
        }

        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                sandbox.release();
                server.release();
            }
        }
    }
}
