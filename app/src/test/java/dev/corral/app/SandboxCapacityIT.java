package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sandboxes are bounded twice: by the organization's plan (enterprise's from the configuration) and by what the
 * host holds of every organization together ({@code max-sandboxes}). Past either, the create is refused at once,
 * on real runc sandboxes.
 */
class SandboxCapacityIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("max-sandboxes", "2", "enterprise-sandboxes", "1"));

    @Test
    void create_pastTheEnterprisePlanThenPastTheHost_isRefusedUntilOneIsDeleted() {
        ApiClient enterprise = corral.admin;
        ApiClient free = corral.newOrganization("free");

        String enterprises = created(enterprise);
        ApiResponse pastThePlan = create(enterprise);
        created(free);
        ApiResponse pastTheHost = create(free);

        assertThat(pastThePlan.status()).as(pastThePlan.toString()).isEqualTo(403);
        assertThat(pastThePlan.error().path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(pastThePlan.error().path("message").asText()).contains("allows 1 sandboxes");
        assertThat(pastTheHost.status()).as(pastTheHost.toString()).isEqualTo(429);
        assertThat(pastTheHost.error().path("code").asText()).isEqualTo("rate_limited");
        assertThat(pastTheHost.error().path("message").asText()).contains("holds 2 sandboxes");
        assertThat(pastTheHost.headers().firstValue("Retry-After")).contains("10");
        assertThat(free.get("v1/sandboxes").data()).hasSize(1);

        assertThat(enterprise.delete("v1/sandboxes/" + enterprises).status()).isEqualTo(200);
        created(free);
    }

    private static ApiResponse create(ApiClient client) {
        return client.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("vcpus", 1, "memory", "256MB", "disk", "1GB")));
    }

    private static String created(ApiClient client) {
        ApiResponse made = create(client);
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }
}
