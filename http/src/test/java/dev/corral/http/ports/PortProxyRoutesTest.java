package dev.corral.http.ports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.corral.core.key.ApiKeyService;
import dev.corral.core.org.Organization;
import dev.corral.core.plan.Plans;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.lifecycle.RequestedNetwork;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.lifecycle.SandboxWork;
import dev.corral.core.sandbox.ports.PortTokens;
import dev.corral.core.sandbox.ports.SandboxPorts;
import dev.corral.http.Authenticator;
import dev.corral.http.HttpMetrics;
import dev.corral.http.HttpServer;
import dev.corral.http.RateLimiter;
import dev.corral.http.RequestConcurrency;
import dev.corral.testkit.ManualClock;
import dev.corral.testkit.ServicesOnFakes;
import dev.corral.testkit.fake.FakeSandboxRuntime;
import dev.corral.testkit.fake.InMemoryPublicPortStore;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The port proxy on a real server on a random port, over the fake runtime, whose sandboxes' address is loopback: a
 * small server of the JDK's on a loopback port stands in for what listens in the sandbox and answers, as JSON, what
 * it was asked.
 */
class PortProxyRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServicesOnFakes bed = new ServicesOnFakes();
    private final ManualClock clock = bed.clock;
    private final ApiKeyService keyService = bed.keyService;
    private final Plans plans = bed.plans;
    private final FakeSandboxRuntime runtime = bed.runtime;
    private final SandboxService sandboxes = bed.sandboxes;
    private final SandboxPorts ports = new SandboxPorts(sandboxes, runtime, new SandboxWork(),
            new PortTokens(new byte[32]), new InMemoryPublicPortStore(), keyService, clock);
    private final PortProxyRoutes proxy = new PortProxyRoutes(ports, PortProxyRoutes.Timeouts.DEFAULTS,
            Optional.empty());
    private final HttpServer server = server(proxy);
    /** The same proxy with a preview domain, on a server of its own; started by the tests of preview hosts. */
    private final PortProxyRoutes previewProxy = new PortProxyRoutes(ports, PortProxyRoutes.Timeouts.DEFAULTS,
            Optional.of(new PreviewHosts("preview.test")));
    private HttpServer previewServer;
    private final io.javalin.Javalin socketsInSandbox = io.javalin.Javalin.create(config -> {
        config.routes.ws("/echo", ws -> {
            ws.onMessage(ctx -> ctx.send("echo:" + ctx.message()));
            ws.onBinaryMessage(ctx -> ctx.send(ctx.data()));
        });
        config.routes.ws("/host", ws -> ws.onMessage(ctx -> ctx.send(ctx.header("Host"))));
    }).start("127.0.0.1", 0);
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
        if (previewServer != null) {
            previewServer.close();
        }
        previewProxy.close();
        bed.close();
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
                .isEqualTo("[{\"port\":8000,\"address\":\"0.0.0.0\",\"public\":false}]");
    }

    @Test
    void public_portMadePublic_answersWithoutCredentialsUntilMadePrivate() throws Exception {
        HttpResponse<String> opened = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/public"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.noBody()));
        JsonNode data = JSON.readTree(opened.body()).get("data");

        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(data.get("public").asBoolean()).isTrue();
        assertThat(data.get("url").asText()).isEqualTo(proxied(sandbox, inSandboxPort(), "/").toString());
        HttpResponse<String> anyone = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/page")).GET());
        assertThat(anyone.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(anyone.body()).get("uri").asText()).isEqualTo("/page");
        HttpResponse<String> otherPort = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort() + 1, "/"))
                .GET());
        assertThat(otherPort.statusCode()).isEqualTo(401);

        HttpResponse<String> closed = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/public"))
                .header("Authorization", "Bearer " + key).DELETE());
        assertThat(JSON.readTree(closed.body()).get("data").get("public").asBoolean()).isFalse();
        assertThat(send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/page")).GET()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void public_anotherOrganizationsKey_isNotFoundAndOpensNothing() throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/public"))
                .header("Authorization", "Bearer " + key(organization())).POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/")).GET()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void url_tokenLeavesACookie_whichOpensThePortButIsNeverForwardedNorMakesItPublic() throws Exception {
        String url = portUrl(inSandboxPort());
        String token = url.substring(url.indexOf("token=") + 6);

        HttpResponse<String> first = send(HttpRequest.newBuilder(URI.create(url)).GET());
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("corral_port_token=" + token + "; Path=/v1/sandboxes/" + sandbox.id()
                + "/ports/" + inSandboxPort() + "/;").contains("HttpOnly", "SameSite=Lax");

        HttpResponse<String> next = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/app.js"))
                .header("Cookie", "theme=dark; corral_port_token=" + token).GET());
        assertThat(next.statusCode()).isEqualTo(200);
        JsonNode headers = JSON.readTree(next.body()).get("headers");
        assertThat(headers.get("Cookie").asText()).isEqualTo("theme=dark");
        HttpResponse<String> publicByToken = send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(),
                "/public")).header("Cookie", "corral_port_token=" + token).POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(publicByToken.statusCode()).isEqualTo(403);
        assertThat(send(HttpRequest.newBuilder(proxied(sandbox, inSandboxPort(), "/")).GET()).statusCode())
                .isEqualTo(401);
    }

    @Test
    void previewHost_reachesThePortWithThePathAsSent_andItsPublicPathIsTheSandboxs() throws Exception {
        String host = previewHost(inSandboxPort());

        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(previewBase() + "/assets/app.js?v=2"))
                .header("Host", host).header("Authorization", "Bearer " + key).GET());
        HttpResponse<String> publicPath = send(HttpRequest.newBuilder(URI.create(previewBase() + "/public"))
                .header("Host", host).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.noBody()));

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(page.body()).get("uri").asText()).isEqualTo("/assets/app.js?v=2");
        assertThat(JSON.readTree(page.body()).get("headers").get("Host").asText())
                .isEqualTo("localhost:" + inSandboxPort());
        assertThat(JSON.readTree(publicPath.body()).get("uri").asText()).isEqualTo("/public");
        assertThat(send(HttpRequest.newBuilder(URI.create(previewBase() + "/")).header("Host", host).GET())
                .statusCode()).as("the port stayed private").isEqualTo(401);
    }

    @Test
    void previewHost_portUrlAndPublicUrl_nameTheHost_andTheTokenCookieCoversIt() throws Exception {
        String host = previewHost(inSandboxPort());
        HttpResponse<String> made = send(HttpRequest.newBuilder(URI.create(previewBase() + "/v1/sandboxes/"
                + sandbox.id() + "/url?port=" + inSandboxPort())).header("Authorization", "Bearer " + key).GET());
        String url = JSON.readTree(made.body()).get("data").get("url").asText();

        assertThat(url).startsWith("http://" + host + "/?token=");
        HttpResponse<String> first = send(HttpRequest.newBuilder(URI.create(previewBase()
                + url.substring(url.indexOf("/?token=")))).header("Host", host).GET());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Path=/;");
        HttpResponse<String> opened = send(HttpRequest.newBuilder(URI.create(previewBase() + "/v1/sandboxes/"
                + sandbox.id() + "/ports/" + inSandboxPort() + "/public")).header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(JSON.readTree(opened.body()).get("data").get("url").asText()).isEqualTo("http://" + host + "/");
    }

    @Test
    void previewHost_unknownSandboxOrBadPort_isNotFound_otherHostsAreTheApis() throws Exception {
        HttpResponse<String> badPort = send(HttpRequest.newBuilder(URI.create(previewBase() + "/"))
                .header("Host", "99999-" + sandbox.id() + ".preview.test").GET());
        HttpResponse<String> notAnId = send(HttpRequest.newBuilder(URI.create(previewBase() + "/"))
                .header("Host", "3000-nothing.preview.test").GET());
        HttpResponse<String> apiHost = send(HttpRequest.newBuilder(URI.create(previewBase()
                + "/v1/sandboxes/" + sandbox.id() + "/ports")).header("Host", "api.preview.test")
                .header("Authorization", "Bearer " + key).GET());

        assertThat(badPort.statusCode()).isEqualTo(404);
        assertThat(notAnId.statusCode()).isEqualTo(404);
        assertThat(apiHost.statusCode()).as("another host of the domain is the API's").isEqualTo(200);
    }

    /** A port URL as {@code GET /v1/sandboxes/{id}/url} answers it. */
    private String portUrl(int port) throws Exception {
        HttpResponse<String> made = send(HttpRequest.newBuilder(URI.create(base() + "/v1/sandboxes/" + sandbox.id()
                + "/url?port=" + port)).header("Authorization", "Bearer " + key).GET());
        return JSON.readTree(made.body()).get("data").get("url").asText();
    }

    @Test
    void webSocket_framesGoBothWaysAndCloseCrosses() throws Exception {
        Frames frames = new Frames();
        java.net.http.WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + key)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/v1/sandboxes/" + sandbox.id()
                        + "/ports/" + socketsInSandbox.port() + "/echo"), frames).get(20, TimeUnit.SECONDS);

        socket.sendText("hello", true).get(20, TimeUnit.SECONDS);
        assertThat(frames.received.poll(20, TimeUnit.SECONDS)).isEqualTo("echo:hello");
        socket.sendBinary(java.nio.ByteBuffer.wrap(new byte[] {7, 8, 9}), true).get(20, TimeUnit.SECONDS);
        assertThat(frames.received.poll(20, TimeUnit.SECONDS)).isEqualTo(List.of(3, (byte) 7));
        socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(20, TimeUnit.SECONDS);
        assertThat(frames.closed.get(20, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    @Test
    void webSocket_byPreviewHost_reachesThePathAsSentWithHostLocalhost() throws Exception {
        Frames frames = new Frames();
        java.net.http.WebSocket socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + key)
                .header("Host", previewHost(socketsInSandbox.port()))
                .buildAsync(URI.create(previewBase().replace("http:", "ws:") + "/host"), frames)
                .get(20, TimeUnit.SECONDS);

        socket.sendText("which", true).get(20, TimeUnit.SECONDS);
        assertThat(frames.received.poll(20, TimeUnit.SECONDS)).isEqualTo("localhost:" + socketsInSandbox.port());
        socket.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").get(20, TimeUnit.SECONDS);
    }

    /** What a test's socket received (text as strings, binary as its length and first byte) and how it closed. */
    private static final class Frames implements java.net.http.WebSocket.Listener {
        final java.util.concurrent.LinkedBlockingQueue<Object> received = new java.util.concurrent.LinkedBlockingQueue<>();
        final java.util.concurrent.CompletableFuture<Integer> closed = new java.util.concurrent.CompletableFuture<>();

        @Override
        public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data,
                                                              boolean last) {
            received.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onBinary(java.net.http.WebSocket ws, java.nio.ByteBuffer data,
                                                                boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            received.add(List.of(bytes.length, bytes[0]));
            ws.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }
    }

    private HttpServer server(PortProxyRoutes routes) {
        return new HttpServer(new HttpServer.Settings("127.0.0.1", 0, 1 << 20, Duration.ZERO, 10),
                new Authenticator(keyService), new RateLimiter(plans, clock), new RequestConcurrency(plans),
                new HttpMetrics(), List.of(routes, new PortSockets(ports))).start();
    }

    /** The base URL of the server with a preview domain, started on first use. */
    private String previewBase() {
        if (previewServer == null) {
            previewServer = server(previewProxy);
        }
        return "http://127.0.0.1:" + previewServer.port();
    }

    /** The preview host of a port of the test's sandbox, with the preview server's port. */
    private String previewHost(int port) {
        previewBase();
        return port + "-" + sandbox.id() + ".preview.test:" + previewServer.port();
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
        return bed.organization();
    }

    private String key(Organization owner) {
        return bed.key(owner, "*");
    }

    private Sandbox sandbox(Organization owner, Optional<RequestedNetwork> network) {
        return bed.sandbox(owner, network);
    }
}
