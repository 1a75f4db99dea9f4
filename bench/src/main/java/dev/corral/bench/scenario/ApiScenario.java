package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.baseline.ConstantServer;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.HttpLoad;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /v1/sandboxes/{id}} from many keep-alive clients for a fixed time, beside a bare Javalin route
 * answering the same bytes as a constant: what Corral's request pipeline (authentication, rate limit, request id,
 * database read, JSON, access log, metrics) costs over the web server it is built on.
 */
public final class ApiScenario implements Scenario {

    @Override
    public String name() {
        return "api";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        var workload = context.workload();
        int clients = workload.apiClients();
        Duration duration = workload.apiDuration();
        String id = context.api().createSandbox(SandboxShape.STANDARD);
        try {
            context.say("api: %d clients for %d s against Corral, then against bare Javalin", clients,
                    duration.toSeconds());
            String body = context.api().getSandboxBody(id);
            HttpRequest get = context.api().getSandboxRequest(id);
            HttpLoad.Result corral = HttpLoad.run(clients, get, workload.apiWarmUp(), duration);
            HttpLoad.Result bare;
            try (var server = ConstantServer.start(body)) {
                // The same request but its address (key, timeout and all), so that the client does the same work
                // for both: the JDK's client takes a lock per request that carries a timeout.
                bare = HttpLoad.run(clients, HttpRequest.newBuilder(get, (name, value) -> true).uri(server.uri())
                        .build(), workload.apiWarmUp(), duration);
            }
            var observations = List.of(
                    new Observation("CPU per request in this JVM (server and load client), Corral",
                            corral.cpuMicrosPerRequest(), "µs"),
                    new Observation("CPU per request in this JVM (server and load client), bare Javalin",
                            bare.cpuMicrosPerRequest(), "µs"));
            var notes = new ArrayList<String>();
            if (corral.errors() > 0 || bare.errors() > 0) {
                notes.add("answers other than 200: " + corral.errors() + " from Corral, " + bare.errors()
                        + " from bare Javalin (not counted as completed)");
            }
            Row row = Row.of("`GET /v1/sandboxes/{id}`, " + clients + " keep-alive clients, "
                            + duration.toSeconds() + " s", corral.latency(), corral.throughput())
                    .against("bare Javalin route answering the same body as a constant", bare.latency(),
                            bare.throughput());
            return new ScenarioResult.Measured(name(), method(clients, workload.apiWarmUp(), duration),
                    List.of(row), observations, notes);
        } finally {
            context.api().delete(id);
        }
    }

    private static String method(int clients, Duration warmUp, Duration duration) {
        return clients + " clients, each its own `java.net.http.HttpClient` on HTTP/1.1 holding one keep-alive "
                + "connection, driven by a virtual thread in a closed loop: " + warmUp.toSeconds() + " s of "
                + "warm-up, then " + duration.toSeconds() + " s measured; ops/s is answers 200 over wall time. "
                + "Corral: `GET /v1/sandboxes/{id}` with a Bearer key (authentication by SHA-256 lookup, rate "
                + "limit, the sandbox read (from memory after the first, with SQLite), JSON envelope, access log line "
                + "to a file, metrics). Baseline: a bare Javalin 7 on Jetty with virtual threads, one route answering "
                + "the body Corral gave for that sandbox as a constant, sent the same request (key and timeout too). "
                + "Client and servers share the host's cores, so both figures are bounded by the client too.";
    }
}
