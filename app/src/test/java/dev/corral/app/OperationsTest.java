package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OperationsTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @Test
    void health_withoutKey_reportsOkAndTheDatabase() {
        ApiResponse response = admin.withoutKey().get("health");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().path("status").asText()).isEqualTo("ok");
        assertThat(response.json().path("checks").path("database").asText()).isEqualTo("ok");
    }

    @Test
    void metrics_afterRequests_countsThemByRouteAndStatus() {
        admin.get("v1/me");
        admin.withoutKey().get("v1/me");

        ApiResponse metrics = admin.withoutKey().get("metrics");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.header("Content-Type")).startsWith("text/plain");
        assertThat(metrics.raw())
                .containsPattern("http_server_requests_seconds_count\\{[^}]*route=\"/v1/me\"[^}]*status=\"200\"")
                .containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"401\"")
                .contains("jvm_memory_used_bytes")
                .containsPattern("corral_sandbox_network_bytes_total\\{direction=\"in\",?} [0-9.E]+\n")
                .containsPattern("corral_sandbox_network_bytes_total\\{direction=\"out\",?} [0-9.E]+\n");
    }
}
