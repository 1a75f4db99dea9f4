package dev.corral.app;

import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Asks the server's {@code /health} every 250 ms and runs {@code echo alive} in a neighbour sandbox every second,
 * each on its own platform thread, while a sandbox exhausts something ({@link #during}). It detects a freeze, not
 * slowness: an answer slower than {@link #FROZEN_HEALTH} or {@link #FROZEN_EXEC}, or a failed one, fails the
 * attempt. The bounds are generous on purpose: on a shared 2-CPU machine a disk or CPU flood in one sandbox slows
 * everything a little, and how fast things stay under load belongs to the benchmarks.
 */
final class FreezeProbe implements AutoCloseable {
    static final Duration FROZEN_HEALTH = Duration.ofSeconds(10);
    /** An exec starts a process in the sandbox, which a busy disk or CPU slows more than a route. */
    static final Duration FROZEN_EXEC = Duration.ofSeconds(20);

    /** One probe: when it started (nanoTime), how long it took, and whether it answered as it should. */
    private record Sample(String kind, long startedNanos, long millis, boolean ok) {
    }

    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final ApiClient server;
    private final FilesApi neighbour;

    FreezeProbe(ApiClient server, FilesApi neighbour) {
        this.server = server;
        this.neighbour = neighbour;
        timer.scheduleWithFixedDelay(this::health, 0, 250, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::neighbourExec, 0, 1, TimeUnit.SECONDS);
    }

    /** How many probes have answered so far. */
    long answered() {
        return samples.stream().filter(Sample::ok).count();
    }

    /**
     * Runs {@code attempt}, waits until each probe has answered once after it, and returns the attempt's result
     * with what the probes saw meanwhile: it passes only if the attempt did and nothing froze or failed.
     */
    SecurityResults.Attempt during(EscapeIT.EscapeAttempt attempt) {
        long start = System.nanoTime();
        SecurityResults.Attempt result = attempt.run();
        long end = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).until(() -> startedAfter("health", end) && startedAfter("exec", end));
        List<Sample> window = samples.stream().filter(sample -> sample.startedNanos() >= start).toList();
        long slowestHealth = slowest(window, "health");
        long slowestExec = slowest(window, "exec");
        long failed = window.stream().filter(sample -> !sample.ok()).count();
        boolean frozen = slowestHealth >= FROZEN_HEALTH.toMillis() || slowestExec >= FROZEN_EXEC.toMillis()
                || failed > 0;
        return new SecurityResults.Attempt(result.name(), result.category(), result.tried(),
                result.expected() + "; /health and the neighbour's exec keep answering",
                result.result() + "; slowest /health " + slowestHealth + " ms, slowest neighbour exec " + slowestExec
                        + " ms, failed probes " + failed,
                result.passed() && !frozen);
    }

    private boolean startedAfter(String kind, long nanos) {
        return samples.stream().anyMatch(sample -> sample.kind().equals(kind) && sample.startedNanos() > nanos);
    }

    private static long slowest(List<Sample> window, String kind) {
        return window.stream().filter(sample -> sample.kind().equals(kind)).mapToLong(Sample::millis).max()
                .orElse(0);
    }

    private void health() {
        long start = System.nanoTime();
        boolean ok;
        try {
            ok = http.send(HttpRequest.newBuilder(server.base().resolve("health")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        samples.add(new Sample("health", start, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), ok));
    }

    private void neighbourExec() {
        long start = System.nanoTime();
        boolean ok;
        try {
            ApiResponse answer = neighbour.client().post("v1/sandboxes/" + neighbour.sandbox() + "/exec",
                    Map.of("command", "echo alive", "timeout", 30_000));
            ok = answer.status() == 200 && answer.data().path("stdout").asText().equals("alive\n");
        } catch (RuntimeException e) {
            ok = false;
        }
        samples.add(new Sample("exec", start, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), ok));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
