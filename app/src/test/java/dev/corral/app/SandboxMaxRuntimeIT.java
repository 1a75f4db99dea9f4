package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A sandbox is stopped when it reaches its plan's maximum runtime (pro: four hours). */
class SandboxMaxRuntimeIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("reaper-interval", "1s"));

    @Test
    void proSandbox_pastFourHours_isStoppedWithTheReason() {
        ApiClient pro = corral.newOrganization("pro");
        ApiResponse made = pro.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB")));
        String id = made.data().path("id").asText();
        assertThat(made.data().path("status").asText()).isEqualTo("running");

        corral.clock.advance(Duration.ofHours(4).plusMinutes(1));

        // Polled slowly enough to stay within the key's burst while the test clock stands still.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() ->
                pro.get("v1/sandboxes/" + id).data().path("status").asText().equals("stopped"));
        assertThat(pro.get("v1/sandboxes/" + id).data().path("error").asText()).contains("maximum runtime");
        assertThat(pro.post("v1/sandboxes/" + id + "/exec", Map.of("command", "true")).status()).isEqualTo(409);
    }
}
