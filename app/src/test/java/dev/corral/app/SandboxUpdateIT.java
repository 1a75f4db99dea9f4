package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code PATCH /v1/sandboxes/{id}}: name, tags, metadata, idle timeout and maximum runtime of real sandboxes. */
class SandboxUpdateIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("reaper-interval", "1s"));
    private static final ApiClient admin = corral.admin;

    @Test
    void patch_everySetting_answersTheUpdatedSandboxAndKeepsIt() {
        String name = "before-" + System.nanoTime();
        String id = create(admin, Map.of("name", name, "tags", List.of("old"), "metadata", Map.of("k", "v")));
        String renamed = "after-" + System.nanoTime();

        ApiResponse patched = admin.patch("v1/sandboxes/" + name, Map.of("name", renamed, "tags", List.of("new", "b"),
                "metadata", Map.of("team", "core"), "idleTimeout", 120, "maxRuntime", 3600));

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        JsonNode shown = admin.get("v1/sandboxes/" + renamed).data();
        for (JsonNode sandbox : List.of(patched.data(), shown)) {
            assertThat(sandbox.path("id").asText()).isEqualTo(id);
            assertThat(sandbox.path("name").asText()).isEqualTo(renamed);
            assertThat(sandbox.path("tags")).extracting(JsonNode::asText).containsExactly("new", "b");
            assertThat(sandbox.path("metadata").path("team").asText()).isEqualTo("core");
            assertThat(sandbox.path("metadata").has("k")).isFalse();
            assertThat(sandbox.path("idleTimeout").asLong()).isEqualTo(120);
            assertThat(sandbox.path("maxRuntime").asLong()).isEqualTo(3600);
            assertThat(sandbox.path("status").asText()).isEqualTo("running");
        }
        assertThat(admin.get("v1/sandboxes/" + name).status()).isEqualTo(404);
        assertThat(admin.get("v1/sandboxes?tag=new").data()).extracting(s -> s.path("id").asText()).contains(id);
        assertThat(admin.patch("v1/sandboxes/" + id, Map.of()).data().path("name").asText()).isEqualTo(renamed);
    }

    @Test
    void patch_nameOfAnotherLiveSandbox_isConflict() {
        String taken = "taken-" + System.nanoTime();
        create(admin, Map.of("name", taken));
        String id = create(admin, Map.of());

        ApiResponse refused = admin.patch("v1/sandboxes/" + id, Map.of("name", taken, "tags", List.of("x")));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error().path("code").asText()).isEqualTo("conflict");
        assertThat(admin.get("v1/sandboxes/" + id).data().path("tags")).isEmpty();
    }

    @Test
    void patch_badFields_isValidationFailedNamingEach() {
        String id = create(admin, Map.of());

        ApiResponse refused = admin.patch("v1/sandboxes/" + id, Map.of("name", "-bad", "tags", List.of(""),
                "idleTimeout", -1, "maxRuntime", -1));
        ApiResponse wrongType = admin.patch("v1/sandboxes/" + id, Map.of("idleTimeout", "soon"));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(refused.error().path("details")).extracting(problem -> problem.path("field").asText())
                .containsExactlyInAnyOrder("name", "tags[0]", "idleTimeout", "maxRuntime");
        assertThat(wrongType.error().path("details").get(0).path("field").asText()).isEqualTo("idleTimeout");
    }

    @Test
    void patch_beyondThePlan_isQuotaExceeded_andAnotherOrganizationsSandboxIsNotFound() {
        ApiClient free = corral.newOrganization("free");
        String id = create(free, Map.of());

        ApiResponse neverIdle = free.patch("v1/sandboxes/" + id, Map.of("idleTimeout", 0));
        ApiResponse tooLong = free.patch("v1/sandboxes/" + id, Map.of("maxRuntime", 7200));
        ApiResponse foreign = admin.patch("v1/sandboxes/" + id, Map.of("name", "mine"));

        assertThat(neverIdle.error().path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(tooLong.error().path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.error().path("code").asText()).isEqualTo("not_found");
        assertThat(free.get("v1/sandboxes/" + id).data().path("name").isNull()).isTrue();
    }

    @Test
    void patch_shorterMaxRuntime_stopsTheSandboxWhenItIsReached() {
        String id = create(admin, Map.of());
        admin.patch("v1/sandboxes/" + id, Map.of("maxRuntime", 60));

        corral.clock.advance(Duration.ofSeconds(61));

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() ->
                admin.get("v1/sandboxes/" + id).data().path("status").asText().equals("stopped"));
        assertThat(admin.get("v1/sandboxes/" + id).data().path("error").asText()).contains("maximum runtime");
    }

    private static String create(ApiClient client, Map<String, Object> fields) {
        var body = new java.util.HashMap<String, Object>(fields);
        body.put("template", "base");
        body.put("resources", Map.of("memory", "128MB", "disk", "128MB"));
        ApiResponse made = client.post("v1/sandboxes?wait=true", body);
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }
}
