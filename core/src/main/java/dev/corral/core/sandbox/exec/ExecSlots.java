package dev.corral.core.sandbox.exec;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.SandboxId;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How many commands run at once, per sandbox (the plan's {@code concurrentExecsPerSandbox}) and on this server
 * ({@code max-concurrent-execs}): a command takes a slot of both before it starts and gives them back when it ends,
 * background processes included. Past either limit the answer comes at once, never by waiting for a slot:
 * {@code quota_exceeded} for the sandbox's (a plan limit), {@code rate_limited} with a retry hint for the server's
 * (busy for everyone; it passes).
 *
 * <p>Threading: any thread; each limit is a {@link Semaphore} taken with {@code tryAcquire}. A sandbox's semaphore
 * is made with its plan's limit at its first command and dropped when the sandbox is deleted (a tier changed in
 * between applies from then on).
 */
public final class ExecSlots {
    private static final Duration SERVER_BUSY_RETRY = Duration.ofSeconds(1);

    private final int serverLimit;
    private final Semaphore server;
    private final ConcurrentHashMap<SandboxId, Semaphore> sandboxes = new ConcurrentHashMap<>();

    public ExecSlots(int serverLimit) {
        if (serverLimit <= 0) {
            throw new IllegalArgumentException("serverLimit must be positive: " + serverLimit);
        }
        this.serverLimit = serverLimit;
        this.server = new Semaphore(serverLimit);
    }

    /**
     * A slot for one more command in {@code id}, which the caller closes when the command has ended.
     *
     * @param sandboxLimit the sandbox's plan's limit
     * @throws CorralException {@code quota_exceeded} when the sandbox runs {@code sandboxLimit} commands already,
     *                         {@code rate_limited} when the server runs as many as it may
     */
    public Slot take(SandboxId id, int sandboxLimit) {
        Semaphore sandbox = sandboxes.computeIfAbsent(id, k -> new Semaphore(sandboxLimit));
        if (!sandbox.tryAcquire()) {
            throw CorralException.quotaExceeded("Sandbox " + id + " runs " + sandboxLimit
                    + " commands already, as many as your plan allows at once (background processes count too)");
        }
        if (!server.tryAcquire()) {
            sandbox.release();
            throw CorralException.rateLimited("This server runs " + serverLimit
                    + " commands already, as many as it is configured for; try again shortly", SERVER_BUSY_RETRY);
        }
        return new Slot(sandbox, server);
    }

    /** How many commands run on the server now. */
    public int running() {
        return serverLimit - server.availablePermits();
    }

    /** Drops a deleted sandbox's count; its commands still running give their slots back to nobody. */
    public void forget(SandboxId id) {
        sandboxes.remove(id);
    }

    /** One command's place in both counts; closing it gives both back, once. */
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
