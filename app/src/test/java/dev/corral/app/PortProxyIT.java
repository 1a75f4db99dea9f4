package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The port proxy end to end: a real runc sandbox with a network runs python's http.server (with an {@code /echo}
 * that answers what it was sent) on port 8000, reached through {@code /v1/sandboxes/{id}/ports/8000/...}, and a
 * WebSocket echo of python's standard library ({@code ws-echo.py}) on 8765. The server has a preview domain, so
 * the same ports answer at {@code {port}-{sandboxId}.preview.test} too (named in the Host header: no DNS here).
 */
class PortProxyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PORT = 8000;
    private static final int WS_PORT = 8765;

    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("preview-domain", "preview.test"));
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static FilesApi sandbox;

    @BeforeAll
    static void start() throws IOException {
        sandbox = FilesApi.create(corral.admin, "256MB");
        try (InputStream server = PortProxyIT.class.getResourceAsStream("port-echo.py")) {
            sandbox.write("/tmp/site/port-echo.py", server.readAllBytes());
        }
        try (InputStream echo = PortProxyIT.class.getResourceAsStream("ws-echo.py")) {
            sandbox.write("/tmp/ws-echo.py", echo.readAllBytes());
        }
        sandbox.write("/tmp/site/hello.txt", "hello from the sandbox\n".getBytes());
        ApiResponse echoStarted = corral.admin.post("v1/sandboxes/" + sandbox.sandbox() + "/exec",
                Map.of("command", "exec python3 /tmp/ws-echo.py " + WS_PORT, "background", true));
        assertThat(echoStarted.status()).as(echoStarted.toString()).isEqualTo(201);
        ApiResponse started = corral.admin.post("v1/sandboxes/" + sandbox.sandbox() + "/exec",
                Map.of("command", "cd /tmp/site && exec python3 port-echo.py " + PORT, "background", true));
        assertThat(started.status()).as(started.toString()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> get(corral.admin.apiKey(), "/hello.txt").statusCode() == 200);
    }

    @Test
    void get_directory_answersTheListingThroughTheProxy() throws Exception {
        HttpResponse<String> listing = get(corral.admin.apiKey(), "/");

        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).contains("Directory listing", "hello.txt", "port-echo.py");
        assertThat(get(corral.admin.apiKey(), "/hello.txt").body()).isEqualTo("hello from the sandbox\n");
    }

    @Test
    void get_echo_hostIsLocalhostAndTheCorralKeyStaysOut() throws Exception {
        HttpResponse<String> answer = get(corral.admin.apiKey(), "/echo?x=1&api_key=" + corral.admin.apiKey());

        JsonNode seen = JSON.readTree(answer.body());
        assertThat(seen.get("headers").get("host").asText()).isEqualTo("localhost:" + PORT);
        assertThat(seen.get("path").asText()).isEqualTo("/echo?x=1");
        assertThat(seen.get("headers").has("authorization")).isFalse();
        assertThat(answer.body()).doesNotContain(corral.admin.apiKey());
    }

    @Test
    void post_body_reachesTheSandbox() throws Exception {
        String body = "x".repeat(200_000);
        HttpResponse<String> answer = http.send(request(corral.admin.apiKey(), PORT, "/echo")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(answer.body()).get("bodyLength").asInt()).isEqualTo(body.length());
    }

    @Test
    void get_closedPort_is502InTheEnvelope() throws Exception {
        HttpResponse<String> answer = http.send(request(corral.admin.apiKey(), 8001, "/").GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(answer.body()).get("error").get("code").asText()).isEqualTo("runtime_unavailable");
    }

    @Test
    void get_anotherOrganizationsKey_isNotFound() throws Exception {
        ApiClient stranger = corral.newOrganization("team");

        HttpResponse<String> answer = get(stranger.apiKey(), "/");

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(answer.body()).get("error").get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void url_withoutAKey_opensThePortByItsPreviewHostAndNotAnother() throws Exception {
        ApiResponse made = corral.admin.get("v1/sandboxes/" + sandbox.sandbox() + "/url?port=" + PORT);
        String url = made.data().path("url").asText();

        assertThat(made.status()).as(made.toString()).isEqualTo(200);
        assertThat(made.data().path("expiresAt").asText()).isNotEmpty();
        assertThat(url).startsWith("http://" + previewHost(PORT) + "/?token=");
        String token = url.substring(url.indexOf("?token="));
        HttpResponse<String> opened = getByPreviewHost(PORT, "/hello.txt" + token);
        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(opened.body()).isEqualTo("hello from the sandbox\n");
        assertThat(getByPreviewHost(PORT + 1, "/hello.txt" + token).statusCode()).isEqualTo(401);
    }

    @Test
    void public_port_answersAnyoneByPathAndHostUntilMadePrivate() throws Exception {
        ApiResponse opened = corral.admin.post("v1/sandboxes/" + sandbox.sandbox() + "/ports/" + PORT + "/public",
                Map.of());
        assertThat(opened.status()).as(opened.toString()).isEqualTo(200);
        assertThat(opened.data().path("url").asText()).isEqualTo("http://" + previewHost(PORT) + "/");
        assertThat(corral.admin.get("v1/sandboxes/" + sandbox.sandbox() + "/ports").data().toString())
                .contains("{\"port\":" + PORT + ",\"address\":\"0.0.0.0\",\"public\":true}");

        HttpResponse<String> byHost = getByPreviewHost(PORT, "/hello.txt");
        HttpResponse<String> byPath = http.send(HttpRequest.newBuilder(URI.create(corral.admin.base()
                + "v1/sandboxes/" + sandbox.sandbox() + "/ports/" + PORT + "/hello.txt")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(byHost.body()).isEqualTo("hello from the sandbox\n");
        assertThat(byPath.body()).isEqualTo("hello from the sandbox\n");

        assertThat(corral.admin.delete("v1/sandboxes/" + sandbox.sandbox() + "/ports/" + PORT + "/public")
                .status()).isEqualTo(200);
        assertThat(getByPreviewHost(PORT, "/hello.txt").statusCode()).isEqualTo(401);
    }

    @Test
    void ports_listsTheServersPort() {
        ApiResponse listed = corral.admin.get("v1/sandboxes/" + sandbox.sandbox() + "/ports");

        assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
        assertThat(listed.data().findValuesAsText("port")).contains(Integer.toString(PORT));
    }

    @Test
    void webSocket_byPathAndByPreviewHost_textGoesToTheSandboxAndBack() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> corral.admin.get("v1/sandboxes/" + sandbox.sandbox()
                + "/ports").data().findValuesAsText("port").contains(Integer.toString(WS_PORT)));
        String server = corral.admin.base().toString().replaceFirst("^http", "ws");

        assertThat(echoOnce(http.newWebSocketBuilder(), server + "v1/sandboxes/" + sandbox.sandbox() + "/ports/"
                + WS_PORT + "/")).isEqualTo("echo:hello");
        assertThat(echoOnce(http.newWebSocketBuilder().header("Host", previewHost(WS_PORT)), server))
                .isEqualTo("echo:hello");
    }

    /** Opens the socket with the admin key, sends {@code hello}, and answers what came back before it closed. */
    private static String echoOnce(WebSocket.Builder builder, String uri) throws Exception {
        var received = new LinkedBlockingQueue<String>();
        var closed = new CompletableFuture<Integer>();
        WebSocket socket = builder.header("Authorization", "Bearer " + corral.admin.apiKey())
                .buildAsync(URI.create(uri), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        received.add(data.toString());
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                        closed.complete(code);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);

        socket.sendText("hello", true).get(30, TimeUnit.SECONDS);
        String answer = received.poll(30, TimeUnit.SECONDS);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(30, TimeUnit.SECONDS);
        assertThat(closed.get(30, TimeUnit.SECONDS)).isEqualTo(1000);
        return answer;
    }

    private static String previewHost(int port) {
        return port + "-" + sandbox.sandbox() + ".preview.test:" + corral.server.port();
    }

    /** GET of {@code path} at the port's preview host, sent to the server's address (there is no DNS here). */
    private static HttpResponse<String> getByPreviewHost(int port, String path)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(corral.admin.base() + path.substring(1)))
                .header("Host", previewHost(port)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String key, String path) throws IOException, InterruptedException {
        return http.send(request(key, PORT, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String key, int port, String path) {
        return HttpRequest.newBuilder(URI.create(corral.admin.base() + "v1/sandboxes/" + sandbox.sandbox()
                + "/ports/" + port + path)).header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(30));
    }
}
