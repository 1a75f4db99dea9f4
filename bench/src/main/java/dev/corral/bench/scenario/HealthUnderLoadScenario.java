package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.BenchException;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.LatencyRecorder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code GET /health} polled while one sandbox runs silent commands and floods of output, beside the same poll with
 * nothing running, measured in the same run: whether commands, however silent or loud, slow the server down for
 * everyone (they once froze it, by holding the virtual threads' carriers in pipe reads).
 */
public final class HealthUnderLoadScenario implements Scenario {
    private static final int SILENT = 32;
    private static final int FLOODS = 4;
    private static final Duration POLL_EVERY = Duration.ofMillis(100);
    private static final String FLOOD = "head -c 200000000 /dev/zero | tr '\\0' x";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public String name() {
        return "health-under-load";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        var api = context.api();
        // Twice the api scenario's measured time: 20 s in a full run.
        Duration window = context.workload().apiDuration().multipliedBy(2);
        HttpRequest health = api.healthRequest();
        String id = api.createSandbox(SandboxShape.STANDARD);
        try {
            context.say("health-under-load: /health every %d ms for %d s with nothing running",
                    POLL_EVERY.toMillis(), window.toSeconds());
            LatencyRecorder bare = poll(health, window);
            context.say("health-under-load: the same while %d silent commands and %d floods of 200 MB run", SILENT,
                    FLOODS);
            var stop = new AtomicBoolean();
            var floods = new AtomicLong();
            LatencyRecorder loaded;
            try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
                var commands = new ArrayList<Future<?>>();
                for (int i = 0; i < SILENT; i++) {
                    commands.add(clients.submit(() -> api.exec(id, "sleep " + (window.toSeconds() + 2))));
                }
                for (int i = 0; i < FLOODS; i++) {
                    commands.add(clients.submit(() -> {
                        while (!stop.get()) {
                            api.exec(id, FLOOD);
                            floods.incrementAndGet();
                        }
                        return null;
                    }));
                }
                loaded = poll(health, window);
                stop.set(true);
                for (Future<?> command : commands) {
                    command.get(2, TimeUnit.MINUTES);
                }
            }
            Row row = Row.of("`GET /health` every " + POLL_EVERY.toMillis() + " ms, " + SILENT + " silent execs and "
                    + FLOODS + " floods running", loaded).against("`GET /health` every " + POLL_EVERY.toMillis()
                    + " ms, nothing running", bare);
            return new ScenarioResult.Measured(name(), method(window), List.of(row),
                    List.of(new Observation("floods of 200 MB completed during the loaded window", floods.get(),
                            "floods")), List.of());
        } finally {
            api.delete(id);
        }
    }

    /** Asks {@code /health} every {@link #POLL_EVERY} for {@code window} from one client; each answer timed. */
    private LatencyRecorder poll(HttpRequest health, Duration window) throws IOException, InterruptedException {
        var latencies = new LatencyRecorder();
        long end = System.nanoTime() + window.toNanos();
        for (long next = System.nanoTime(); next < end; next += POLL_EVERY.toNanos()) {
            LockSupport.parkNanos(next - System.nanoTime());
            long start = System.nanoTime();
            HttpResponse<Void> answer = http.send(health, HttpResponse.BodyHandlers.discarding());
            latencies.record(System.nanoTime() - start);
            if (answer.statusCode() != 200) {
                throw new BenchException("/health answered " + answer.statusCode());
            }
        }
        return latencies;
    }

    private static String method(Duration window) {
        return "One client (its own `java.net.http.HttpClient`, HTTP/1.1 keep-alive) asks `GET /health` every "
                + POLL_EVERY.toMillis() + " ms for " + window.toSeconds() + " s, timing each answer (the server "
                + "reads its database on a connection of its own). Baseline: the same with no command running. "
                + "Loaded: meanwhile one sandbox (1 vCPU, 512MB) runs " + SILENT + " foreground `sleep "
                + (window.toSeconds() + 2) + "` (JSON answers) and " + FLOODS + " callers each running `head -c "
                + "200000000 /dev/zero | tr '\\0' x` (JSON answers, cut at the plan's 10 MB) one after another "
                + "until the window ends. The server runs in the harness's JVM, on the same 2 cores as the "
                + "clients and the commands.";
    }
}
