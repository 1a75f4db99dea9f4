package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiConventionsTest {
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
}
