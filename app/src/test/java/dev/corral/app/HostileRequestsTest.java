package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The requests a first round of attacks found answered wrongly: each was a 500, a state change from a GET, an
 * answer outside the envelope, or an existence oracle. Each test names the request it replays.
 */
class HostileRequestsTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;
    private static final RawHttp raw = new RawHttp(admin.base().getPort(), Duration.ofSeconds(20));
    private static final String AUTH = "Authorization: Bearer " + TestCorral.ADMIN_KEY + "\r\n";

    private static void assertClientError(RawHttp.Answer answer, String what) {
        assertThat(answer.status()).as(what + ": " + answer.body()).isBetween(400, 499);
        assertThat(answer.isErrorEnvelope()).as(what + " in the envelope: " + answer.headers() + " " + answer.body())
                .isTrue();
        assertThat(answer.body()).as(what).doesNotContain("dev.corral").doesNotContain("Exception")
                .doesNotContain("<html");
    }

    private static void assertClientError(ApiResponse response, String what) {
        assertThat(response.status()).as(what + ": " + response).isBetween(400, 499);
        assertThat(response.error().path("requestId").asText()).as(what).isEqualTo(response.header("X-Request-Id"));
        assertThat(response.raw()).as(what).doesNotContain("dev.corral").doesNotContain("Exception");
    }

    private static RawHttp.Answer get(String target, String headers) throws IOException {
        return raw.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + headers
                + "Connection: close\r\n\r\n");
    }

    private static RawHttp.Answer post(String target, String contentType, byte[] body) throws IOException {
        byte[] head = ("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + "Content-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return raw.send(request);
    }

    private static String newWorkspace() {
        ApiResponse made = admin.post("v1/workspaces", Map.of("name", "hostile " + System.nanoTime()));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return made.data().path("id").asText();
    }

    @Test
    void pathWithPercentU_isBadRequestInTheEnvelope() throws IOException {
        for (String target : List.of("/v1/sandboxes/%u0041", "/v1/workspaces/%uD800/files", "/%u002e%u002e/health")) {
            assertClientError(get(target, ""), target);
        }
    }

    @Test
    void createKey_nullName_isValidationFailedNamingName() {
        ApiResponse response = admin.post("v1/api-keys", "{\"name\": null}");

        assertClientError(response, "null name");
        assertThat(response.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(response.error().path("details").get(0).path("field").asText()).isEqualTo("name");
    }

    @Test
    void workspaceFiles_loneSurrogateInNameOrIds_isValidationFailed() {
        String workspace = newWorkspace();

        assertClientError(admin.post("v1/workspaces/" + workspace + "/files",
                "{\"name\": \"a\\ud800b\", \"type\": \"file\"}"), "lone surrogate in a name");
        assertClientError(admin.delete("v1/workspaces/" + workspace + "/files", "{\"ids\": [\"/x\\udc00\"]}"),
                "lone surrogate in ids");
        assertClientError(admin.put("v1/workspaces/" + workspace + "/files",
                "{\"operation\": \"copy\", \"target\": \"/\", \"ids\": [\"/\\ud800\"]}"), "lone surrogate in ids");
    }

    @Test
    void refusalBeforeTheBody_waitsForASmallBodyAndKeepsTheConnection() throws IOException {
        byte[] body = "{\"name\":\"x\"}".getBytes(StandardCharsets.US_ASCII);
        try (var socket = new java.net.Socket("127.0.0.1", admin.base().getPort())) {
            var out = socket.getOutputStream();
            out.write(("POST /v1/api-keys HTTP/1.1\r\nHost: corral\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Refused (no key) before its body is read: the answer waits for the body instead of closing on a
            // client that is still sending (the JDK's client then failed on the broken pipe and saw no answer).
            socket.setSoTimeout(300);
            assertThatThrownBy(() -> socket.getInputStream().read()).as("an answer before the body was sent")
                    .isInstanceOf(java.net.SocketTimeoutException.class);
            socket.setSoTimeout(20_000);
            out.write(body);
            out.flush();
            RawHttp.Answer refused = RawHttp.read(socket.getInputStream());
            out.write("GET /health HTTP/1.1\r\nHost: corral\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawHttp.Answer next = RawHttp.read(socket.getInputStream());

            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.isErrorEnvelope()).isTrue();
            assertThat(next.status()).as("the same connection serves the next request").isEqualTo(200);
        }
    }

    @Test
    void jsonBody_bogusCharset_isClientError() throws IOException {
        for (String type : List.of("application/json; charset=nonsense", "application/json; charset=\"\"",
                "application/json; charset=utf-32x")) {
            assertClientError(post("/v1/api-keys", type, "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8)),
                    type);
        }
    }

    @Test
    void webSocketUpgrade_withoutKey_isClientErrorInTheEnvelopeWithoutCookie() throws IOException {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n";
        for (String target : List.of("/v1/sandboxes/sandbox-000000000000/logs",
                "/v1/sandboxes/sandbox-000000000000/terminal")) {
            RawHttp.Answer answer = raw.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTH + upgrade
                    + "\r\n");

            assertClientError(answer, target);
            assertThat(answer.header("Set-Cookie")).as(target).isNull();
        }
    }

    @Test
    void webSocketUpgrade_refused_setsNoCookie() throws IOException {
        RawHttp.Answer answer = raw.send("GET /v1/sandboxes/sandbox-000000000000/logs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

        assertClientError(answer, "a socket without a key");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(answer.header("Set-Cookie")).isNull();
    }

    @Test
    void get_withMethodOverrideHeaders_neverChangesState() throws IOException {
        String workspace = newWorkspace();
        String key = admin.post("v1/api-keys", Map.of("name", "victim")).data().path("id").asText();

        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            RawHttp.Answer onWorkspace = get("/v1/workspaces/" + workspace, header + ": DELETE\r\n");
            RawHttp.Answer onKey = get("/v1/api-keys/" + key, header + ": DELETE\r\n");

            assertThat(onWorkspace.status()).as(header + " " + onWorkspace.body()).isEqualTo(200);
            assertThat(onKey.status()).as(header + " " + onKey.body()).isEqualTo(200);
        }
        assertThat(admin.get("v1/workspaces/" + workspace).status()).isEqualTo(200);
        assertThat(admin.get("v1/api-keys/" + key).data().path("revokedAt").isNull()).isTrue();
    }

    @Test
    void requestsJettyRefuses_areAnsweredInTheEnvelopeWithARequestId() throws IOException {
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        Map<String, String> requests = Map.ofEntries(
                Map.entry("a request line that is not HTTP", "GARBAGE\r\n\r\n"),
                Map.entry("a target too long", "GET /v1/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
                Map.entry("an Expect Jetty does not know", "POST /v1/api-keys HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "Expect: 200-maybe\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"),
                Map.entry("a WebSocket version Jetty does not speak", "GET /v1/sandboxes/x/logs HTTP/1.1\r\nHost: x\r\n"
                        + AUTH + upgrade + "Sec-WebSocket-Version: 7\r\n\r\n"),
                Map.entry("headers too large", "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(70_000)
                        + "\r\n\r\n"),
                Map.entry("headers too large on a PATCH", "PATCH /v1/api-keys/x HTTP/1.1\r\nHost: x\r\nX-Big: "
                        + "b".repeat(70_000) + "\r\nContent-Length: 2\r\n\r\n{}"),
                Map.entry("a path that is not UTF-8, on a PUT", "PUT /v1/workspaces/%ED%A0%80 HTTP/1.1\r\nHost: x\r\n"
                        + AUTH + "Content-Length: 2\r\n\r\n{}"),
                Map.entry("an HTTP version that does not exist", "GET /health HTTP/7.1\r\nHost: x\r\n\r\n"),
                Map.entry("an HTTP/1.1 request without Host", "GET /health HTTP/1.1\r\n\r\n"),
                Map.entry("an upgrade to a path with no socket", "GET /v1/nothing HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + upgrade + "Sec-WebSocket-Version: 13\r\n\r\n"),
                Map.entry("a transfer coding Jetty does not know", "POST /v1/api-keys HTTP/1.1\r\nHost: x\r\n" + AUTH
                        + "Transfer-Encoding: gzip, chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n"));
        var failures = new java.util.ArrayList<String>();
        for (var request : requests.entrySet()) {
            RawHttp.Answer answer = raw.send(request.getValue());

            if (answer.status() >= 500 || answer.status() < 400 || !answer.isErrorEnvelope()) {
                failures.add(request.getKey() + ": " + answer.status() + " " + answer.headers() + " " + answer.body());
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void bodyOfTheWrongShape_isValidationFailedNamingNoClass() {
        for (String body : List.of("[]", "\"text\"", "1", "true", "[{\"name\": \"x\"}]", "{\"name\": []}",
                "{\"name\": {\"a\": 1}}", "{\"scopes\": {}, \"name\": \"x\"}")) {
            ApiResponse response = admin.post("v1/api-keys", body);

            assertClientError(response, body);
            assertThat(response.raw()).as(body).doesNotContain("`").doesNotContain("Request")
                    .doesNotContain("java.");
        }
    }

    @Test
    void patch_anotherOrganizationsResources_isNotFoundAsForOneThatDoesNotExist() {
        ApiClient other = corral.newOrganization("team");
        String workspace = newWorkspace();
        String key = admin.post("v1/api-keys", Map.of("name", "theirs")).data().path("id").asText();
        String organization = admin.get("v1/organizations/current").data().path("id").asText();

        for (Map.Entry<String, Map<String, Object>> patch : List.of(
                Map.entry("v1/workspaces/" + workspace, Map.<String, Object>of("name", "mine", "quotaBytes", 1L << 40)),
                Map.entry("v1/api-keys/" + key, Map.<String, Object>of("name", "mine", "scopes", List.of("*"))),
                Map.entry("v1/api-keys/" + key, Map.<String, Object>of("name", "mine")),
                Map.entry("v1/organizations/" + organization, Map.<String, Object>of("tier", "enterprise")))) {
            ApiResponse existing = other.patch(patch.getKey(), patch.getValue());
            String missing = patch.getKey().substring(0, patch.getKey().lastIndexOf('/') + 1) + UUID.randomUUID();

            assertThat(existing.status()).as(patch.getKey() + " " + patch.getValue() + ": " + existing)
                    .isEqualTo(404);
            assertThat(other.patch(missing, patch.getValue()).status()).as(missing).isEqualTo(404);
        }
    }
}
