package dev.corral.bench.scenario;

import dev.corral.bench.BenchContext;
import dev.corral.bench.BenchException;
import dev.corral.bench.baseline.SandboxAddress;
import dev.corral.bench.client.SandboxShape;
import dev.corral.bench.load.ConcurrentLoad;
import dev.corral.bench.load.LatencyRecorder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * A small HTTP answer from a server in a sandbox, fetched through the port proxy
 * ({@code GET /v1/sandboxes/{id}/ports/{port}/...} with the API key) beside the same GET sent from the host straight
 * to the sandbox's address on the bridge: what the proxy adds to a request. One at a time and from several callers,
 * the two paths alternating (request by request, and round by round) so that load on the host hits both alike.
 * For scale, a {@code GET /v1/sandboxes/{id}} after each pair: Corral's pipeline with the proxy's authentication
 * and sandbox read, nothing forwarded.
 *
 * <p>Threading: the caller's thread sends the one-at-a-time series; the concurrent ones run on virtual threads of
 * {@link ConcurrentLoad}.
 */
public final class ProxyScenario implements Scenario {
    private static final int PORT = 8080;
    private static final int CALLERS = 8;
    /** Rounds of the concurrent series, proxy's and direct's alternating. */
    private static final int ROUNDS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration SERVER_START = Duration.ofSeconds(30);
    private static final byte[] BODY = "hello from the sandbox\n".getBytes(StandardCharsets.US_ASCII);
    private static final String SERVER_PATH = "/tmp/bench-http.py";
    /**
     * Python's standard library, answering every GET with {@link #BODY} over keep-alive HTTP/1.1, a thread per
     * connection, no log line per request, and head and body in one write (its default writes them apart, and with
     * Nagle's algorithm on a second small write waits for the first's delayed ACK).
     */
    private static final String SERVER = """
            import sys
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

            BODY = b"hello from the sandbox\\n"

            class Handler(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                wbufsize = 65536
                disable_nagle_algorithm = True

                def do_GET(self):
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(BODY)))
                    self.end_headers()
                    self.wfile.write(BODY)

                def log_message(self, format, *args):
                    pass

            ThreadingHTTPServer.daemon_threads = True
            ThreadingHTTPServer(("0.0.0.0", int(sys.argv[1])), Handler).serve_forever()
            """;

    @Override
    public String name() {
        return "proxy";
    }

    @Override
    public ScenarioResult run(BenchContext context) throws Exception {
        var api = context.api();
        String id = api.createSandbox(SandboxShape.STANDARD);
        try (HttpClient proxyClient = http11(); HttpClient directClient = http11(); HttpClient apiClient = http11()) {
            api.writeFile(id, SERVER_PATH, SERVER.getBytes(StandardCharsets.UTF_8));
            api.startBackground(id, "exec python3 " + SERVER_PATH + " " + PORT);
            String address = SandboxAddress.of(context.runc(), id).getHostAddress();
            HttpRequest viaProxy = api.portRequest(id, PORT, "/hello").timeout(TIMEOUT).GET().build();
            HttpRequest direct = HttpRequest.newBuilder(URI.create("http://" + address + ":" + PORT + "/hello"))
                    .timeout(TIMEOUT).GET().build();
            awaitServer(directClient, direct);
            context.say("proxy: server in sandbox %s at %s:%d", id, address, PORT);
            return measure(context, new Endpoint(proxyClient, viaProxy), new Endpoint(directClient, direct),
                    new Endpoint(apiClient, api.getSandboxRequest(id)), address);
        } finally {
            api.delete(id);
        }
    }

    private ScenarioResult measure(BenchContext context, Endpoint proxy, Endpoint direct, Endpoint apiRead,
                                   String address) throws Exception {
        int count = context.workload().proxyRequests();
        int warmUp = Math.max(context.workload().warmUp(), count / 10);
        for (int i = 0; i < warmUp; i++) {
            proxy.get();
            direct.get();
            apiRead.answersOk();
        }
        context.say("proxy: %d GETs through the proxy and %d directly, one at a time, alternating", count, count);
        var oneProxy = new LatencyRecorder();
        var oneDirect = new LatencyRecorder();
        var oneApiRead = new LatencyRecorder();
        for (int i = 0; i < count; i++) {
            // Each goes first half of the time, so neither always follows the other's wake-ups.
            if (i % 2 == 0) {
                oneProxy.time(proxy::get);
                oneDirect.time(direct::get);
            } else {
                oneDirect.time(direct::get);
                oneProxy.time(proxy::get);
            }
            oneApiRead.time(apiRead::answersOk);
        }
        context.say("proxy: %d GETs each way from %d callers", count, CALLERS);
        // Unrecorded: opens every caller's connection on both paths first.
        ConcurrentLoad.run(CALLERS, CALLERS * 4, new LatencyRecorder(), (caller, index) -> proxy.get());
        ConcurrentLoad.run(CALLERS, CALLERS * 4, new LatencyRecorder(), (caller, index) -> direct.get());
        var manyProxy = new LatencyRecorder();
        var manyDirect = new LatencyRecorder();
        Duration wallProxy = Duration.ZERO;
        Duration wallDirect = Duration.ZERO;
        int perRound = Math.max(CALLERS, count / ROUNDS);
        for (int done = 0; done < count; done += perRound) {
            int round = Math.min(perRound, count - done);
            wallProxy = wallProxy.plus(ConcurrentLoad.run(CALLERS, round, manyProxy, (caller, index) -> proxy.get()));
            wallDirect = wallDirect.plus(ConcurrentLoad.run(CALLERS, round, manyDirect,
                    (caller, index) -> direct.get()));
        }
        var rows = List.of(
                Row.of("`GET .../ports/" + PORT + "/hello` through the proxy, one at a time", oneProxy.percentiles(),
                                ConcurrentLoad.throughput(count, sum(oneProxy)))
                        .against("the same GET straight to the sandbox's address, one at a time",
                                oneDirect.percentiles(), ConcurrentLoad.throughput(count, sum(oneDirect))),
                Row.of("`GET .../ports/" + PORT + "/hello` through the proxy, " + CALLERS + " callers", manyProxy,
                                ConcurrentLoad.throughput(count, wallProxy))
                        .against("the same GET straight to the sandbox's address, " + CALLERS + " callers",
                                manyDirect, ConcurrentLoad.throughput(count, wallDirect)),
                Row.of("for scale: `GET /v1/sandboxes/{id}` (the same authentication and sandbox read as the "
                        + "proxy's, nothing forwarded), one at a time", oneApiRead));
        var observations = List.of(
                new Observation("p50 the proxy adds, one at a time",
                        oneProxy.percentiles().p50() - oneDirect.percentiles().p50(), "ms"),
                new Observation("p50 the proxy adds, " + CALLERS + " callers",
                        manyProxy.percentiles().p50() - manyDirect.percentiles().p50(), "ms"));
        return new ScenarioResult.Measured(name(), method(count, warmUp), rows, observations,
                List.of("the sandbox's address in this run: " + address));
    }

    /**
     * The time one-at-a-time requests took, their mean latency times their count: what their requests per second
     * are counted over (the two paths alternate, so the series' wall time holds both).
     */
    private static Duration sum(LatencyRecorder latencies) {
        return Duration.ofNanos(Math.round(latencies.meanMillis() * 1e6 * latencies.count()));
    }

    /** Waits until the server in the sandbox answers, polling straight at it; bounded by {@link #SERVER_START}. */
    private static void awaitServer(HttpClient client, HttpRequest request) throws InterruptedException {
        long deadline = System.nanoTime() + SERVER_START.toNanos();
        while (true) {
            try {
                new Endpoint(client, request).get();
                return;
            } catch (IOException | BenchException e) {
                if (System.nanoTime() > deadline) {
                    throw new BenchException("the HTTP server in the sandbox did not answer within "
                            + SERVER_START.toSeconds() + " s: " + e, e);
                }
                Thread.sleep(100);
            }
        }
    }

    private static HttpClient http11() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** One way to the server: a client (keep-alive connections, one per concurrent caller) and its request. */
    private record Endpoint(HttpClient client, HttpRequest request) {
        /** Sends the request; anything but 200 with {@link #BODY} is a failure, never a measurement. */
        void get() throws IOException, InterruptedException {
            if (!Arrays.equals(answersOk(), BODY)) {
                throw new BenchException(request.uri() + " answered another body than the server's");
            }
        }

        /** Sends the request and returns the body of its answer; anything but 200 is a failure. */
        byte[] answersOk() throws IOException, InterruptedException {
            HttpResponse<byte[]> answer;
            try {
                answer = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (HttpTimeoutException e) {
                throw new BenchException(request.uri() + " did not answer within " + TIMEOUT.toSeconds() + " s", e);
            }
            if (answer.statusCode() != 200) {
                throw new BenchException(request.uri() + " answered " + answer.statusCode() + ": "
                        + new String(answer.body(), StandardCharsets.UTF_8));
            }
            return answer.body();
        }
    }

    private static String method(int count, int warmUp) {
        return "One networked sandbox (1 vCPU, 512MB) runs a server of Python's standard library (`http.server`, "
                + "`ThreadingHTTPServer`, HTTP/1.1 keep-alive, a thread per connection) on port " + PORT
                + " answering every GET with a fixed " + BODY.length + "-byte body. Proxy: `GET /v1/sandboxes/{id}"
                + "/ports/" + PORT + "/hello` with a Bearer key to Corral on 127.0.0.1 (authentication, the sandbox "
                + "looked up, the request passed on by Jetty's HTTP client over its kept connections, the answer "
                + "copied back). Baseline: the same GET from the host straight to the sandbox's address on the "
                + "bridge (read from `eth0` in the namespace of the sandbox's init with `nsenter` and `ip`), port "
                + PORT + ". Each path has its own `java.net.http.HttpClient` on HTTP/1.1 with keep-alive; every "
                + "answer is checked (200 and the body). " + warmUp + " unrecorded GETs each way first. One at a "
                + "time: " + count + " each way, proxy and direct alternating request by request (each first half "
                + "the time); ops/s is requests over the sum of their latencies. After each pair, for scale, a "
                + "`GET /v1/sandboxes/{id}` with the same key on a third client: Corral's pipeline with the "
                + "proxy's authentication and sandbox read, nothing forwarded. Concurrent: " + CALLERS
                + " virtual-thread callers in a closed loop sharing a client, " + count + " GETs each way in "
                + ROUNDS + " rounds alternating proxy and direct; ops/s is GETs over wall time. Client, Corral and "
                + "the sandbox share the host's cores.";
    }
}
