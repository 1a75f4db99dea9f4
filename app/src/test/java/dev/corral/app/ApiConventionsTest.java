package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiConventionsTest {
    /** Every list that pages with {@code ?limit=&cursor=}. */
    private static final List<String> PAGED_LISTS = List.of("v1/api-keys", "v1/workspaces", "v1/sandboxes");

    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("max-body-size", "64KB"));
    private static final ApiClient admin = corral.admin;

    private static void assertFieldError(ApiResponse response, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(response.error().path("details").get(0).path("field").asText()).isEqualTo(field);
        assertThat(response.error().path("requestId").asText()).isEqualTo(response.header("X-Request-Id"));
    }

    @Test
    void malformedJson_isValidationFailedOnBody() {
        assertFieldError(admin.post("v1/api-keys", "{\"name\": "), "body");
    }

    @Test
    void wrongType_isValidationFailedNamingTheField() {
        assertFieldError(admin.post("v1/api-keys", Map.of("name", Map.of("nested", true))), "name");
        assertFieldError(admin.post("v1/api-keys", Map.of("name", "x", "isTest", "yes")), "isTest");
        assertFieldError(admin.post("v1/api-keys", Map.of("name", "x", "scopes", "sandbox:*")), "scopes");
    }

    @Test
    void missingRequiredField_isValidationFailedNamingTheField() {
        assertFieldError(admin.post("v1/api-keys", Map.of("scopes", java.util.List.of())), "name");
    }

    @Test
    void unknownEnumValue_isValidationFailedNamingTheField() {
        assertFieldError(admin.post("v1/api-keys", Map.of("name", "x", "scopes", java.util.List.of("root"))),
                "scopes[0]");
        assertFieldError(admin.post("v1/organizations", Map.of("name", "x", "tier", "gold")), "tier");
    }

    @Test
    void badExpiresIn_isValidationFailed() {
        assertFieldError(admin.post("v1/api-keys", Map.of("name", "x", "expiresIn", "forever")), "expiresIn");
    }

    @Test
    void unknownRoute_isNotFoundInEnvelope() {
        ApiResponse response = admin.get("v1/nothing-here");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.error().path("code").asText()).isEqualTo("not_found");
        assertThat(response.header("X-Request-Id")).startsWith("req_");
    }

    @Test
    void wrongMethod_isMethodNotAllowed() {
        ApiResponse response = admin.put("v1/api-keys", Map.of());

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.error().path("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void bodyOverTheLimit_isPayloadTooLarge() {
        ApiResponse response = admin.post("v1/api-keys", Map.of("name", "x".repeat(100_000)));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.error().path("code").asText()).isEqualTo("payload_too_large");
    }

    @Test
    void wrongContentType_isUnsupportedMediaType() {
        ApiResponse response = admin.send(admin.request("v1/api-keys").header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.error().path("code").asText()).isEqualTo("unsupported_media_type");
    }

    @Test
    void everyAnswer_carriesARequestId() {
        assertThat(admin.withoutKey().get("health").header("X-Request-Id")).startsWith("req_");
        assertThat(admin.withoutKey().get("v1/me").header("X-Request-Id")).startsWith("req_");
        assertThat(admin.get("nowhere").header("X-Request-Id")).startsWith("req_");
    }

    @Test
    void errorBodies_neverCarryAStackTrace() {
        ApiResponse response = admin.post("v1/api-keys", "[[[[");

        assertThat(response.raw()).doesNotContain("Exception").doesNotContain("at dev.corral")
                .doesNotContain("at com.fasterxml");
    }

    @Test
    void pagedList_cursorThatDoesNotDecode_isBadRequest() throws IOException {
        for (String list : PAGED_LISTS) {
            for (String cursor : List.of("%%%notacursor", "%zz", "not-a-cursor!!", "aGVsbG8")) {
                RawAnswer answer = rawGet("/" + list + "?cursor=" + cursor);

                assertThat(answer.status()).as(list + " " + cursor + ": " + answer.body()).isEqualTo(400);
                assertThat(answer.json().path("error").path("code").asText()).as(list).isEqualTo("bad_request");
            }
        }
    }

    @Test
    void pagedList_lastPage_hasNextCursorNullInMetaAndAtTopLevel() {
        for (String list : PAGED_LISTS) {
            ApiResponse response = admin.get(list + "?limit=100");

            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            assertThat(response.json().path("hasMore").asBoolean(true)).as(list).isFalse();
            assertThat(response.json().path("meta").path("hasMore").asBoolean(true)).as(list).isFalse();
            assertThat(response.json().path("meta").has("nextCursor")).as(list).isTrue();
            assertThat(response.json().path("meta").get("nextCursor").isNull()).as(list).isTrue();
            assertThat(response.json().has("nextCursor")).as(list).isTrue();
            assertThat(response.json().get("nextCursor").isNull()).as(list).isTrue();
        }
    }

    @Test
    void queryWithMalformedEscape_isBadRequestOnEveryRoute() throws IOException {
        for (String target : List.of("/v1/sandboxes?tag=%%%", "/v1/api-keys?limit=%%", "/v1/workspaces?x=%zz&y=1",
                "/health?probe=%")) {
            RawAnswer answer = rawGet(target);

            assertThat(answer.status()).as(target + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.json().path("error").path("code").asText()).as(target).isEqualTo("bad_request");
        }
    }

    @Test
    void pathWithMalformedEscape_isBadRequestInTheEnvelope() throws IOException {
        for (String target : List.of("/v1/%zz", "/v1/sandboxes/%")) {
            RawAnswer answer = rawGet(target);

            assertThat(answer.status()).as(target + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.json().path("error").path("code").asText()).as(answer.body()).isEqualTo("bad_request");
            assertThat(answer.json().path("error").path("requestId").asText()).startsWith("req_");
            assertThat(answer.body()).doesNotContain("<html").doesNotContain("Exception");
        }
    }

    @Test
    void headerJettyCannotParse_isBadRequestInTheEnvelope() throws IOException {
        RawAnswer answer = raw("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n");

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().path("error").path("code").asText()).as(answer.body()).isEqualTo("bad_request");
    }

    private record RawAnswer(int status, String body, JsonNode json) {
    }

    /**
     * A request sent as written, byte for byte: {@link java.net.URI} refuses a malformed escape such as
     * {@code %%%}, which is exactly what a hand-typed curl command sends.
     */
    private static RawAnswer rawGet(String target) throws IOException {
        return raw("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin.apiKey()
                + "\r\nConnection: close\r\n\r\n");
    }

    private static RawAnswer raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", admin.base().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(answer.indexOf(' ') + 1, answer.indexOf(' ') + 4));
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(body);
            } catch (IOException e) {
                json = new ObjectMapper().missingNode();
            }
            return new RawAnswer(status, body, json);
        }
    }
}
