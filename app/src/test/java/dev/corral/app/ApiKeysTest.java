package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiKeysTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @Test
    void create_validRequest_returnsSecretOnceAndMetadataAfter() {
        ApiResponse made = admin.post("v1/api-keys",
                Map.of("name", "ci", "scopes", List.of("sandbox:*"), "expiresIn", "30d", "isTest", true));

        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().path("message").asText()).contains("will not be able to see it again");
        JsonNode key = made.data();
        assertThat(key.path("key").asText()).matches("rt_test_[A-Za-z0-9]{32}");
        assertThat(key.path("keyPrefix").asText()).isEqualTo(key.path("key").asText().substring(0, 12));
        assertThat(key.path("status").asText()).isEqualTo("active");
        assertThat(key.path("isTest").asBoolean()).isTrue();
        assertThat(java.time.Instant.parse(key.path("expiresAt").asText()))
                .isEqualTo(java.time.Instant.parse(key.path("createdAt").asText()).plus(Duration.ofDays(30)));

        ApiResponse fetched = admin.get("v1/api-keys/" + key.path("id").asText());
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.data().has("key")).isFalse();
        assertThat(fetched.data().path("name").asText()).isEqualTo("ci");
    }

    @Test
    void create_noScopes_getsEverything() {
        ApiResponse made = admin.post("v1/api-keys", Map.of("name", "all"));

        assertThat(made.data().path("scopes").toString()).isEqualTo("[\"*\"]");
        assertThat(made.data().path("expiresAt").isNull()).isTrue();
    }

    @Test
    void update_nameAndScopes_areReplaced() {
        String id = admin.post("v1/api-keys", Map.of("name", "before")).data().path("id").asText();

        ApiResponse updated = admin.patch("v1/api-keys/" + id, Map.of("name", "after", "scopes", List.of("files:read")));

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.data().path("name").asText()).isEqualTo("after");
        assertThat(updated.data().path("scopes").toString()).isEqualTo("[\"files:read\"]");
    }

    @Test
    void revoke_twice_staysRevokedAndStillListed() {
        String id = admin.post("v1/api-keys", Map.of("name", "gone")).data().path("id").asText();

        ApiResponse first = admin.delete("v1/api-keys/" + id);
        ApiResponse second = admin.delete("v1/api-keys/" + id);

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.data().path("status").asText()).isEqualTo("revoked");
        assertThat(second.data().path("revokedAt").asText()).isEqualTo(first.data().path("revokedAt").asText());
    }

    @Test
    void keyUse_updatesLastUsedAtInTheBackground() {
        ApiResponse made = admin.post("v1/api-keys", Map.of("name", "used"));
        String id = made.data().path("id").asText();
        assertThat(made.data().path("lastUsedAt").isNull()).isTrue();

        corral.clock.advance(Duration.ofMinutes(1));
        String usedAt = corral.clock.instant().toString();
        admin.withKey(made.data().path("key").asText()).get("v1/me");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(admin.get("v1/api-keys/" + id).data().path("lastUsedAt").asText()).isEqualTo(usedAt));
    }

    @Test
    void anotherOrganizationsKey_isNotFoundForEveryVerb() {
        ApiClient other = corral.newOrganization("pro");
        String mine = admin.post("v1/api-keys", Map.of("name", "mine")).data().path("id").asText();

        assertThat(other.get("v1/api-keys/" + mine).status()).isEqualTo(404);
        assertThat(other.patch("v1/api-keys/" + mine, Map.of("name", "stolen")).status()).isEqualTo(404);
        assertThat(other.delete("v1/api-keys/" + mine).status()).isEqualTo(404);
        assertThat(other.get("v1/api-keys?limit=100").data().toString()).doesNotContain(mine);
        assertThat(admin.get("v1/api-keys/" + mine).data().path("status").asText()).isEqualTo("active");
    }

    @Test
    void get_idThatIsNotAUuid_isNotFound() {
        ApiResponse response = admin.get("v1/api-keys/abc");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.error().path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void list_walkedPageByPage_returnsEveryKeyExactlyOnceNewestFirst() {
        ApiClient team = corral.newOrganization("team");
        for (int i = 0; i < 22; i++) {
            corral.clock.advance(Duration.ofMillis(i == 0 ? 1 : i % 2));
            team.post("v1/api-keys", Map.of("name", "key-" + i));
        }
        List<String> names = new ArrayList<>();
        var ids = new HashSet<String>();
        String cursor = null;
        int pages = 0;
        do {
            ApiResponse page = team.get("v1/api-keys?limit=5" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.json().path("meta").path("hasMore").asBoolean())
                    .isEqualTo(page.json().path("hasMore").asBoolean());
            page.data().forEach(key -> {
                names.add(key.path("name").asText());
                ids.add(key.path("id").asText());
            });
            cursor = page.json().path("hasMore").asBoolean() ? page.json().path("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);

        assertThat(names).hasSize(23).hasSameSizeAs(ids);
        assertThat(pages).isEqualTo(5);
        assertThat(names.getLast()).isEqualTo("admin");
        assertThat(names.getFirst()).isEqualTo("key-21");
        assertThat(names.subList(1, 3)).containsExactlyInAnyOrder("key-19", "key-20");
    }

    @Test
    void list_badCursor_isBadRequest() {
        for (String cursor : List.of("not-a-cursor!!", "aGVsbG8", "OnNvbWV0aGluZw")) {
            ApiResponse response = admin.get("v1/api-keys?cursor=" + cursor);

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.error().path("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void list_limitOutOfBounds_isValidationFailedNamingLimit() {
        for (String limit : List.of("0", "101", "abc", "-3")) {
            ApiResponse response = admin.get("v1/api-keys?limit=" + limit);

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.error().path("code").asText()).isEqualTo("validation_failed");
            assertThat(response.error().path("details").get(0).path("field").asText()).isEqualTo("limit");
        }
    }
}
