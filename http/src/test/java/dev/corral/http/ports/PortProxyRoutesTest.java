package dev.corral.http.ports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.key.CreateApiKey;
import dev.corral.core.key.KeyUsageRecorder;
import dev.corral.core.key.Principal;
import dev.corral.core.key.Scope;
import dev.corral.core.org.Organization;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.lifecycle.CreateSandbox;
import dev.corral.core.sandbox.lifecycle.RequestedNetwork;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.logs.SandboxLogs;
import dev.corral.core.sandbox.ports.PortTokens;
import dev.corral.core.sandbox.ports.SandboxPorts;
import dev.corral.http.Authenticator;
import dev.corral.http.HttpMetrics;
import dev.corral.http.HttpServer;
import dev.corral.http.RateLimiter;
import dev.corral.http.RequestConcurrency;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.fake.FakeSandboxRuntime;
import dev.corral.testkit.fake.FakeTemplateBuilder;
import dev.corral.testkit.fake.InMemoryApiKeyStore;
import dev.corral.testkit.fake.InMemoryOrganizationStore;
import dev.corral.testkit.fake.InMemoryPublicPortStore;
import dev.corral.testkit.fake.InMemorySandboxStore;
import dev.corral.testkit.fake.Principals;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The port proxy on a real server on a random port, over the fake runtime, whose sandboxes' address is loopback: a
 * small server of the JDK's on a loopback port stands in for what listens in the sandbox and answers, as JSON, what
 * it was asked.
 */
class PortProxyRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final InMemoryOrganizationStore organizations = new InMemoryOrganizationStore();
    private final InMemoryApiKeyStore keys = new InMemoryApiKeyStore();
    private final ApiKeyService keyService = new ApiKeyService(keys, organizations, new KeyUsageRecorder(keys),
            clock);
    private final Plans plans = Plans.defaults(6000, 1000);
    private final FakeTemplateBuilder templates = new FakeTemplateBuilder("base");
    private final FakeSandboxRuntime runtime = new FakeSandboxRuntime(templates);
    private final SandboxService sandboxes = new SandboxService(new InMemorySandboxStore(), runtime, templates, plans,
            new SandboxLogs(64 * 1024), (caller, field, reference) -> {
                throw new UnsupportedOperationException("no mounts here");
            }, clock, 100);
    private final SandboxPorts ports = new SandboxPorts(sandboxes, runtime, new SandboxWork(),
            new PortTokens(new byte[32]), new InMemoryPublicPortStore(), keyService, clock);
    private final PortProxyRoutes proxy = new PortProxyRoutes(ports, PortProxyRoutes.Timeouts.DEFAULTS);
    private final HttpServer server = new HttpServer(new HttpServer.Settings("127.0.0.1", 0, 1 << 20,
            Duration.ZERO, 10), new Authenticator(keyService), new RateLimiter(plans, clock),
            new RequestConcurrency(plans), new HttpMetrics(), List.of(proxy, new PortSockets(ports))).start();
    private final io.javalin.Javalin socketsInSandbox = io.javalin.Javalin.create(config -> config.routes.ws(
            "/echo", ws -> {
                ws.onMessage(ctx -> ctx.send("echo:" + ctx.message()));
                ws.onBinaryMessage(ctx -> ctx.send(ctx.data()));
            })).start("127.0.0.1", 0);
    private final com.sun.net.httpserver.HttpServer inSandbox = echoServer();
    private final HttpClient http = HttpClient.newHttpClient();

    private final Organization organization = organization();
    private final String key = key(organization);
    private final Sandbox sandbox = sandbox(organization, Optional.empty());

    @AfterEach
    void close() {
        inSandbox.stop(0);
        socketsInSandbox.stop();
        server.close();
        proxy.close();
        sandboxes.close();
    }

    @Test
    void get_openPort_answersWhatTheSandboxAnswered_withHostRewrittenAndNoCorralKey() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(),
                "/some/page?x=1&api_key=" + key)).header("Authorization", "Bearer " + key)
                .header("X-Custom", "kept").GET());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Echo")).contains("yes");
        JsonNode seen = JSON.readTree(answer.body());
        assertThat(seen.get("method").asText()).isEqualTo("GET");
        assertThat(seen.get("uri").asText()).isEqualTo("/some/page?x=1");
        assertThat(seen.get("headers").get("Host").asText()).isEqualTo("localhost:" + inSandboxPort());
        assertThat(seen.get("headers").get("X-custom").asText()).isEqualTo("kept");
        assertThat(seen.get("headers").has("Authorization")).isFalse();
        assertThat(answer.body()).doesNotContain(key);
    }

    @Test
    void post_body_goesInAndComesBack() throws Exception {
        String body = "line\n".repeat(50_000);

        HttpResponse<String> answer = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/upload"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)));

        assertThat(answer.statusCode()).isEqualTo(200);
        JsonNode seen = JSON.readTree(answer.body());
        assertThat(seen.get("method").asText()).isEqualTo("POST");
        assertThat(seen.get("bodyLength").asInt()).isEqualTo(body.length());
    }

    @Test
    void get_closedPort_is502InTheEnvelope() throws Exception {
        int closed;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        HttpResponse<String> answer = send(HttpRequest.newBuilder(proxied(sandbox, closed, "/"))
                .header("Authorization", "Bearer " + key).GET());

        assertThat(answer.statusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(answer.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("runtime_unavailable");
        assertThat(error.get("message").asText()).contains("Nothing listens on port " + closed);
    }

    @Test
    void get_anotherOrganizationsKey_isNotFound() throws Exception {
        String stranger = key(organization());

        HttpResponse<String> answer = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/"))
                .header("Authorization", "Bearer " + stranger).GET());

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(answer.body()).get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void get_noKey_isUnauthorized() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/")).GET());

        assertThat(answer.statusCode()).isEqualTo(401);
    }

    @Test
    void get_sandboxWithoutNetwork_isInvalidState() throws Exception {
        Sandbox loopbackOnly = sandbox(organization, Optional.of(RequestedNetwork.named("none")));

        HttpResponse<String> answer = send(HttpRequest.newBuilder(proxied(loopbackOnly, inSandboxPort(), "/"))
                .header("Authorization", "Bearer " + key).GET());

        assertThat(answer.statusCode()).isEqualTo(409);
        assertThat(JSON.readTree(answer.body()).get("error").get("code").asText()).isEqualTo("invalid_state");
    }

    @Test
    void get_portOutOfRange_isValidationFailed() throws Exception {
        for (String port : new String[] {"0", "65536", "http"}) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base() + "/v1/sandboxes/"
                    + sandbox.id() + "/ports/" + port + "/")).header("Authorization", "Bearer " + key).GET());

            assertThat(answer.statusCode()).as(port).isEqualTo(400);
            assertThat(JSON.readTree(answer.body()).get("error").get("code").asText()).isEqualTo(
                    "validation_failed");
        }
    }

    @Test
    void url_thenTheUrlWithoutAKey_reachesThePortUntilItExpires() throws Exception {
        HttpResponse<String> made = send(HttpRequest.newBuilder(URI.create(base() + "/v1/sandboxes/" + sandbox.id()
                + "/url?port=" + inSandboxPort())).header("Authorization", "Bearer " + key).GET());
        JsonNode data = JSON.readTree(made.body()).get("data");
        String url = data.get("url").asText();

        assertThat(made.statusCode()).isEqualTo(200);
        assertThat(data.get("port").asInt()).isEqualTo(inSandboxPort());
        assertThat(url).startsWith(base() + "/v1/sandboxes/" + sandbox.id() + "/ports/" + inSandboxPort()
                + "/?token=");
        HttpResponse<String> opened = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(opened.body()).get("uri").asText()).isEqualTo("/");
        HttpResponse<String> otherPort = send(HttpRequest.newBuilder(URI.create(url.replace("/ports/"
                + inSandboxPort() + "/", "/ports/" + (inSandboxPort() + 1) + "/"))).GET());
        assertThat(otherPort.statusCode()).isEqualTo(401);
        clock.advance(SandboxPorts.URL_LIFETIME);
        HttpResponse<String> expired = send(HttpRequest.newBuilder(URI.create(url)).GET());
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(expired.body()).get("error").get("code").asText()).isEqualTo("token_expired");
    }

    @Test
    void url_withoutPort_isValidationFailed() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base() + "/v1/sandboxes/"
                + sandbox.id() + "/url")).header("Authorization", "Bearer " + key).GET());

        assertThat(answer.statusCode()).isEqualTo(400);
    }

    @Test
    void ports_listsWhatListensInTheSandbox() throws Exception {
        runtime.listen(sandbox.id(), 8000, "0.0.0.0");

        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(base() + "/v1/sandboxes/"
                + sandbox.id() + "/ports")).header("Authorization", "Bearer " + key).GET());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("data").toString())
                .isEqualTo("[{\"port\":8000,\"address\":\"0.0.0.0\"}]");
    }

    @Test
    void webSocket_framesGoBothWaysAndCloseCrosses() throws Exception {
        var received = new java.util.concurrent.LinkedBlockingQueue<Object>();
        var closed = new java.util.concurrent.CompletableFuture<Integer>();
        java.net.http.WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + key)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/sandboxes/" + sandbox.id()
                        + "/ports/" + socketsInSandbox.port() + "/echo"), new java.net.http.WebSocket.Listener() {
                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws,
                                                                          CharSequence data, boolean last) {
                        received.add(data.toString());
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws,
                                                                            java.nio.ByteBuffer data, boolean last) {
                        byte[] bytes = new byte[data.remaining()];
                        data.get(bytes);
                        received.add(java.util.List.of(bytes.length, bytes[0]));
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code,
                                                                           String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).get(20, java.util.concurrent.TimeUnit.SECONDS);

        socket.sendText("hello", true).get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(received.poll(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("echo:hello");
        socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {7, 8, 9}), true)
                .get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(received.poll(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(List.of(3, (byte) 7));
        socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(closed.get(20, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1000);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI proxied(Sandbox target, int port, String rest) {
        return URI.create(base() + "/v1/sandboxes/" + target.id() + "/ports/" + port + rest);
    }

    private String base() {
        return "http://127.0.0.1:" + server.port();
    }

    private int inSandboxPort() {
        return inSandbox.getAddress().getPort();
    }

    /** Answers every request with what it was: method, URI, headers and the length of its body. */
    private static com.sun.net.httpserver.HttpServer echoServer() {
        try {
            var echo = com.sun.net.httpserver.HttpServer.create(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            echo.createContext("/", PortProxyRoutesTest::echo);
            echo.start();
            return echo;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void echo(HttpExchange exchange) throws IOException {
        long length;
        try (InputStream body = exchange.getRequestBody()) {
            length = body.transferTo(java.io.OutputStream.nullOutputStream());
        }
        var headers = new TreeMap<String, String>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
        byte[] answer = JSON.writeValueAsBytes(Map.of("method", exchange.getRequestMethod(), "uri",
                exchange.getRequestURI().toString(), "headers", headers, "bodyLength", length));
        exchange.getResponseHeaders().add("X-Echo", "yes");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        try (var out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    private Organization organization() {
        Organization made = Principals.organization(Tier.FREE);
        organizations.insert(made);
        return made;
    }

    private String key(Organization owner) {
        return keyService.issue(owner.id(), new CreateApiKey("test", List.of(Scope.parse("scopes", "*")),
                Optional.empty(), false)).secret().reveal();
    }

    private Sandbox sandbox(Organization owner, Optional<RequestedNetwork> network) {
        Principal caller = Principals.of(owner);
        Sandbox made = sandboxes.create(caller, new CreateSandbox("base", Optional.empty(), List.of(), Map.of(),
                Map.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                List.of(), network));
        return sandboxes.awaitStarted(made, Duration.ofSeconds(10));
    }
}
