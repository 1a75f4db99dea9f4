package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.key.FailedAuthentications;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many wrong keys from one address are throttled (429 {@code rate_limited} with {@code Retry-After}, in the
 * envelope), while a valid key from that address keeps working.
 */
class FailedAuthenticationThrottleTest {
    private static final int ATTEMPTS = 200;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @Test
    void wrongKeys_manyFromOneAddress_areRateLimitedWhileAValidKeyStillWorks() {
        List<ApiResponse> answers = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++) {
            answers.add(admin.withKey("rt_live_" + String.format("%032d", i)).get("v1/me"));
        }

        List<ApiResponse> refused = answers.stream().filter(answer -> answer.status() == 429).toList();
        assertThat(answers.subList(0, FailedAuthentications.BURST)).allMatch(answer -> answer.status() == 401);
        assertThat(refused).hasSize(ATTEMPTS - FailedAuthentications.BURST);
        assertThat(refused.getFirst().error().path("code").asText()).isEqualTo("rate_limited");
        assertThat(Integer.parseInt(refused.getFirst().header("Retry-After"))).isBetween(1, 3);
        assertThat(refused.getFirst().header("X-Request-Id")).startsWith("req_");
        assertThat(admin.get("v1/me").status()).isEqualTo(200);

        corral.clock.advance(Duration.ofMinutes(1));
        assertThat(admin.withKey("rt_live_" + "Z".repeat(32)).get("v1/me").status()).isEqualTo(401);
    }
}
