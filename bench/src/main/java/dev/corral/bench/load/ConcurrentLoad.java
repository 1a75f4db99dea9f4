package dev.corral.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a fixed number of operations over a fixed number of callers: each caller is a virtual thread that takes
 * the next operation as soon as its last one answered (a closed loop), so at most {@code callers} are in flight.
 * All callers are released together, and the wall time runs from that moment until the last operation ends.
 *
 * <p>Threading: {@link #run} blocks its caller until every operation ended; the first failure is rethrown once
 * all callers stopped (the others stop taking new operations as soon as one fails).
 */
public final class ConcurrentLoad {
    private ConcurrentLoad() {
    }

    /**
     * Runs {@code total} operations over {@code callers} callers, recording each one's latency into
     * {@code latencies}, and returns the wall time.
     */
    public static Duration run(int callers, int total, LatencyRecorder latencies, Operation operation)
            throws Exception {
        var next = new AtomicInteger();
        var failed = new AtomicBoolean();
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<?>>();
        long started;
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bench-caller-", 0)
                .factory())) {
            for (int caller = 0; caller < callers; caller++) {
                int callerIndex = caller;
                futures.add(executor.submit(() -> {
                    start.await();
                    int index;
                    while (!failed.get() && (index = next.getAndIncrement()) < total) {
                        int operationIndex = index;
                        try {
                            latencies.time(() -> operation.run(callerIndex, operationIndex));
                        } catch (Exception e) {
                            failed.set(true);
                            throw e;
                        }
                    }
                    return null;
                }));
            }
            started = System.nanoTime();
            start.countDown();
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
        return wall;
    }

    /** Operations per second of {@code total} operations in {@code wall}. */
    public static double throughput(long total, Duration wall) {
        return total / (wall.toNanos() / 1e9);
    }

    /** One operation, told which caller runs it and its number among all operations. */
    @FunctionalInterface
    public interface Operation {
        void run(int caller, int index) throws Exception;
    }
}
