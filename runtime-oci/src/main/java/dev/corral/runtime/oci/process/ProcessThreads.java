package dev.corral.runtime.oci.process;

import dev.corral.core.error.CorralException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The threads that wait on processes: a bounded pool of platform threads for every blocking read or write of a
 * process's pipes, and one platform thread that fires timeouts.
 *
 * <p>Threading model, and why. A read of a pipe blocks in the kernel; on a virtual thread it holds the carrier
 * thread under it for as long as the process stays silent, and a few hundred silent commands would hold every
 * carrier, freezing every request of the server and the timeouts meant to end those commands. So nothing reads or
 * writes a process's pipe on a virtual thread: {@link #read} is the only way to run such a loop, and it runs it on
 * a platform thread of this pool. The pool is bounded ({@code maxThreads}, the {@code process-io-threads} setting)
 * and queues nothing: when every thread is busy a new read is refused at once with {@code rate_limited} rather than
 * waiting behind silent commands. Starting a process blocks in native code too, so it runs there as well
 * ({@link #call}). Idle threads end after a minute. Timeouts are scheduled on one platform thread
 * ({@link #after}); the action itself (a kill, which waits for the process to go) runs on a virtual thread of its
 * own, so a slow kill never delays another timeout. Cancelled timeouts leave the queue at once.
 *
 * <p>All methods are safe for any thread. {@link #close()} stops both executors; threads still reading end when
 * their pipes close (they are daemon threads and never keep the JVM alive).
 */
public final class ProcessThreads implements AutoCloseable {
    /** Pipe loops are shallow; a small stack keeps hundreds of readers cheap. */
    private static final long STACK_BYTES = 512 * 1024;
    private static final Duration IDLE_THREAD_LIFE = Duration.ofMinutes(1);

    private final int maxThreads;
    private final ThreadPoolExecutor readers;
    private final ScheduledThreadPoolExecutor timers;

    /** @param maxThreads how many process streams may be read (or written) at once */
    public ProcessThreads(int maxThreads) {
        if (maxThreads < 2) {
            throw new IllegalArgumentException("maxThreads must be at least 2: " + maxThreads);
        }
        this.maxThreads = maxThreads;
        this.readers = new ThreadPoolExecutor(0, maxThreads, IDLE_THREAD_LIFE.toSeconds(), TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                Thread.ofPlatform().name("corral-process-io-", 0).daemon().stackSize(STACK_BYTES).factory());
        this.timers = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("corral-process-timeouts").daemon().factory());
        timers.setRemoveOnCancelPolicy(true);
    }

    /**
     * Runs a blocking loop over a process stream on a platform thread of the pool, named {@code name} while it
     * runs (for thread dumps).
     *
     * @throws CorralException {@code rate_limited} when every thread of the pool is busy
     */
    public Future<?> read(String name, Runnable loop) {
        try {
            return readers.submit(() -> {
                Thread self = Thread.currentThread();
                String poolName = self.getName();
                self.setName(poolName + " " + name);
                try {
                    loop.run();
                } finally {
                    self.setName(poolName);
                }
            });
        } catch (RejectedExecutionException e) {
            throw CorralException.rateLimited("The server is reading the output of " + maxThreads
                    + " process streams, as many as it is configured for (process-io-threads); try again shortly",
                    Duration.ofSeconds(1));
        }
    }

    /**
     * Runs a blocking native call, such as starting a process (which waits in native code until the child has
     * run its program), on a platform thread of the pool; the caller waits on the future, which parks a virtual
     * thread instead of holding its carrier.
     *
     * @throws CorralException {@code rate_limited} when every thread of the pool is busy
     */
    public <T> CompletableFuture<T> call(String name, Supplier<T> call) {
        var result = new CompletableFuture<T>();
        read(name, () -> {
            try {
                result.complete(call.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Runs {@code action} on a virtual thread of its own once {@code delay} has passed, unless cancelled first. */
    public Future<?> after(Duration delay, Runnable action) {
        return timers.schedule(() -> Thread.ofVirtual().name("corral-timeout").start(action),
                delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** How many threads are reading process streams now. */
    public int busyThreads() {
        return readers.getActiveCount();
    }

    @Override
    public void close() {
        timers.shutdownNow();
        readers.shutdown();
    }
}
