package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RateLimitTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();

    @Test
    void freeTierKey_afterItsBurst_isRateLimitedWithRetryAfter() {
        ApiClient free = corral.newOrganization("free");
        ApiClient fresh = free.withKey(corral.newKey(free, "*"));

        List<ApiResponse> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            burst.add(fresh.get("v1/me"));
        }
        ApiResponse limited = fresh.get("v1/me");

        assertThat(burst).allMatch(r -> r.status() == 200);
        assertThat(burst.getFirst().header("X-RateLimit-Limit")).isEqualTo("60");
        assertThat(burst.getFirst().header("X-RateLimit-Remaining")).isEqualTo("9");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.error().path("code").asText()).isEqualTo("rate_limited");
        assertThat(limited.header("Retry-After")).isEqualTo("1");
        assertThat(limited.error().path("details").path("retryAfterMs").asLong()).isEqualTo(1000L);
        assertThat(limited.header("X-RateLimit-Remaining")).isEqualTo("0");
    }

    @Test
    void testKey_getsHalfTheLimit() {
        ApiClient free = corral.newOrganization("free");
        String secret = free.post("v1/api-keys", Map.of("name", "t", "isTest", true)).data().path("key").asText();
        ApiClient test = free.withKey(secret);

        ApiResponse first = test.get("v1/me");
        for (int i = 0; i < 4; i++) {
            test.get("v1/me");
        }

        assertThat(first.header("X-RateLimit-Limit")).isEqualTo("30");
        assertThat(test.get("v1/me").status()).isEqualTo(429);
    }

    @Test
    void limits_arePerKey() {
        ApiClient free = corral.newOrganization("free");
        ApiClient one = free.withKey(corral.newKey(free, "*"));
        ApiClient two = free.withKey(corral.newKey(free, "*"));

        for (int i = 0; i < 10; i++) {
            one.get("v1/me");
        }

        assertThat(one.get("v1/me").status()).isEqualTo(429);
        assertThat(two.get("v1/me").status()).isEqualTo(200);
    }

    @Test
    void emptyBucket_refillsAsTheClockMoves() {
        ApiClient free = corral.newOrganization("free");
        ApiClient key = free.withKey(corral.newKey(free, "*"));
        for (int i = 0; i < 10; i++) {
            key.get("v1/me");
        }
        assertThat(key.get("v1/me").status()).isEqualTo(429);

        corral.clock.advance(java.time.Duration.ofSeconds(2));

        assertThat(key.get("v1/me").status()).isEqualTo(200);
        assertThat(key.get("v1/me").status()).isEqualTo(200);
        assertThat(key.get("v1/me").status()).isEqualTo(429);
    }

    @Test
    void raisingTheTier_appliesTheNewLimitAtOnce() {
        ApiClient free = corral.newOrganization("free");
        ApiClient key = free.withKey(corral.newKey(free, "*"));
        String id = key.get("v1/organizations/current").data().path("id").asText();

        corral.admin.patch("v1/organizations/" + id, Map.of("tier", "pro"));

        assertThat(key.get("v1/me").header("X-RateLimit-Limit")).isEqualTo("300");
    }
}
