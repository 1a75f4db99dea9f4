package dev.corral.bench.load;

import dev.corral.bench.host.ProcessCpu;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a number of HTTP clients busy sending one request for a while. Each client is its own
 * {@link HttpClient} speaking HTTP/1.1, so it holds one keep-alive connection, driven by one virtual thread that
 * sends the next request as soon as the last answer was read. A request is counted as completed only if answered
 * 200; others count as errors and their latency is not recorded.
 *
 * <p>Threading: {@link #run} blocks its caller for the duration; the clients are closed when it returns.
 */
public final class HttpLoad {
    private HttpLoad() {
    }

    /**
     * What a timed run of clients achieved.
     *
     * @param cpu what this process used while measuring (the clients, and the server when it runs here too)
     */
    public record Result(Percentiles latency, long completed, long errors, Duration wall, ProcessCpu cpu) {
        public double throughput() {
            return ConcurrentLoad.throughput(completed, wall);
        }

        /** This process's CPU time per request sent, in microseconds. */
        public double cpuMicrosPerRequest() {
            return cpu.self().toNanos() / 1e3 / (completed + errors);
        }
    }

    /** Sends {@code request} from {@code clients} clients for {@code warmUp} unrecorded, then for {@code duration}. */
    public static Result run(int clients, HttpRequest request, Duration warmUp, Duration duration)
            throws InterruptedException {
        var connections = new ArrayList<HttpClient>();
        for (int i = 0; i < clients; i++) {
            connections.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build());
        }
        try {
            drive(connections, request, warmUp, new LatencyRecorder(), new AtomicLong());
            var latencies = new LatencyRecorder();
            var errors = new AtomicLong();
            ProcessCpu before = ProcessCpu.read();
            Duration wall = drive(connections, request, duration, latencies, errors);
            return new Result(latencies.percentiles(), latencies.count(), errors.get(), wall,
                    ProcessCpu.read().since(before));
        } finally {
            connections.forEach(HttpClient::close);
        }
    }

    private static Duration drive(List<HttpClient> connections, HttpRequest request, Duration duration,
                                  LatencyRecorder latencies, AtomicLong errors) throws InterruptedException {
        var start = new CountDownLatch(1);
        // Written before the callers are released; the latch makes the write visible to them.
        long[] deadline = new long[1];
        var futures = new ArrayList<Future<?>>();
        long started;
        try (var executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("bench-http-", 0)
                .factory())) {
            for (HttpClient client : connections) {
                futures.add(executor.submit(() -> {
                    start.await();
                    while (System.nanoTime() < deadline[0]) {
                        long sent = System.nanoTime();
                        HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() == 200) {
                            latencies.record(System.nanoTime() - sent);
                        } else {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            started = System.nanoTime();
            deadline[0] = started + duration.toNanos();
            start.countDown();
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - started);
        for (Future<?> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("an HTTP client failed: " + e.getCause(), e.getCause());
            }
        }
        return wall;
    }
}
