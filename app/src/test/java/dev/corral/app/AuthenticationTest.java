package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuthenticationTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @Test
    void me_noKey_isUnauthorized() {
        ApiResponse response = admin.withoutKey().get("v1/me");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error().path("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void me_malformedKey_isInvalidToken() {
        ApiResponse response = admin.withKey("not-a-key").get("v1/me");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error().path("code").asText()).isEqualTo("invalid_token");
    }

    @Test
    void me_wellFormedUnknownKey_isInvalidToken() {
        ApiResponse response = admin.withKey("rt_live_" + "Z".repeat(32)).get("v1/me");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error().path("code").asText()).isEqualTo("invalid_token");
    }

    @Test
    void me_bearerKey_answersInEnvelopeWithRateLimitHeaders() {
        ApiResponse response = admin.get("v1/me");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.data().path("type").asText()).isEqualTo("api_key");
        assertThat(response.data().path("organization").path("slug").asText()).isEqualTo("default");
        assertThat(response.data().path("isAdmin").asBoolean()).isTrue();
        assertThat(response.json().path("meta").path("requestId").asText())
                .isEqualTo(response.header("X-Request-Id")).startsWith("req_");
        assertThat(response.header("X-RateLimit-Limit")).isNotNull();
        assertThat(response.header("X-RateLimit-Remaining")).isNotNull();
        assertThat(Long.parseLong(response.header("X-RateLimit-Reset")))
                .isGreaterThanOrEqualTo(corral.clock.instant().getEpochSecond());
    }

    @Test
    void me_xApiKeyHeader_isAccepted() {
        ApiResponse response = admin.withoutKey().send(admin.request("v1/me").header("X-API-Key", TestCorral.ADMIN_KEY));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-RateLimit-Limit")).isNotNull();
    }

    @Test
    void me_bothHeaders_bearerWins() {
        ApiResponse validBearer = admin.send(admin.request("v1/me").header("X-API-Key", "garbage"));
        ApiResponse invalidBearer = admin.withKey("rt_live_" + "Q".repeat(32))
                .send(admin.request("v1/me").header("X-API-Key", TestCorral.ADMIN_KEY));

        assertThat(validBearer.status()).isEqualTo(200);
        assertThat(invalidBearer.status()).isEqualTo(401);
    }

    @Test
    void me_apiKeyQueryParameter_isAccepted() {
        ApiResponse response = admin.withoutKey().get("v1/me?api_key=" + TestCorral.ADMIN_KEY);

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void me_nonBearerAuthorization_isInvalidToken() {
        ApiResponse response = admin.withoutKey().send(admin.request("v1/me").header("Authorization", "Basic abc"));

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error().path("code").asText()).isEqualTo("invalid_token");
    }

    @Test
    void me_revokedKey_isInvalidToken() {
        ApiResponse made = admin.post("v1/api-keys", Map.of("name", "short-lived"));
        ApiClient holder = admin.withKey(made.data().path("key").asText());
        assertThat(holder.get("v1/me").status()).isEqualTo(200);

        admin.delete("v1/api-keys/" + made.data().path("id").asText());

        ApiResponse response = holder.get("v1/me");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error().path("code").asText()).isEqualTo("invalid_token");
    }

    @Test
    void me_expiredKey_isTokenExpired() {
        ApiResponse made = admin.post("v1/api-keys", Map.of("name", "one-day", "expiresIn", "1d"));
        ApiClient holder = admin.withKey(made.data().path("key").asText());
        assertThat(holder.get("v1/me").status()).isEqualTo(200);

        corral.clock.advance(Duration.ofDays(1).plusSeconds(1));

        ApiResponse response = holder.get("v1/me");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.error().path("code").asText()).isEqualTo("token_expired");
        assertThat(admin.get("v1/api-keys/" + made.data().path("id").asText()).data().path("status").asText())
                .isEqualTo("expired");
    }

    @Test
    void createKey_missingScope_isForbidden() {
        ApiClient reader = admin.withKey(corral.newKey(admin, "sandbox:read"));

        ApiResponse response = reader.post("v1/api-keys", Map.of("name", "nope"));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.error().path("code").asText()).isEqualTo("forbidden");
        assertThat(response.error().path("message").asText()).contains("org:write");
    }

    @Test
    void listKeys_readScopeOnly_isAllowedButCreateIsNot() {
        ApiClient orgReader = admin.withKey(corral.newKey(admin, "org:read"));

        assertThat(orgReader.get("v1/api-keys").status()).isEqualTo(200);
        assertThat(orgReader.post("v1/api-keys", Map.of("name", "x")).status()).isEqualTo(403);
    }

    @Test
    void createKey_scopeTheCallerLacks_isForbidden() {
        ApiClient writer = admin.withKey(corral.newKey(admin, "org:*"));

        ApiResponse response = writer.post("v1/api-keys", Map.of("name", "escalate", "scopes", List.of("*")));

        assertThat(response.status()).isEqualTo(403);
        assertThat(writer.post("v1/api-keys", Map.of("name", "same", "scopes", List.of("org:read"))).status())
                .isEqualTo(201);
    }

    @Test
    void devScopeAlias_isStoredInNewVocabularyAndGrantsIt() {
        ApiResponse made = admin.post("v1/api-keys", Map.of("name", "dev", "scopes", List.of("sandboxes", "org:read")));

        assertThat(made.status()).isEqualTo(201);
        assertThat(made.data().path("scopes").toString()).isEqualTo("[\"sandbox:*\",\"org:read\"]");
    }
}
