package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad sandbox requests get a clear 4xx naming the field, and leave nothing half-made behind. */
class SandboxInputIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("max-body-size", "1MB"));
    private static final ApiClient admin = corral.admin;
    private static String sandbox;

    @BeforeAll
    static void start() {
        sandbox = admin.post("v1/sandboxes?wait=true", Map.of("template", "base", "name", "taken",
                "resources", Map.of("memory", "128MB", "disk", "128MB"))).data().path("id").asText();
    }

    private static void assertInvalid(ApiResponse response, String field) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(response.error().path("details").findValuesAsText("field")).contains(field);
    }

    @Test
    void create_unknownTemplate_namesTheFieldAndTheChoices() {
        ApiResponse response = admin.post("v1/sandboxes", Map.of("template", "windows-95"));

        assertInvalid(response, "template");
        assertThat(response.error().path("details").get(0).path("problem").asText()).contains("base");
    }

    @Test
    void create_missingTemplate_isValidationFailed() {
        assertInvalid(admin.post("v1/sandboxes", Map.of("name", "x")), "template");
    }

    @Test
    void create_malformedResources_nameEachField() {
        ApiResponse response = admin.post("v1/sandboxes", Map.of("template", "base",
                "resources", Map.of("vcpus", 0, "memory", "lots", "disk", "1KB")));

        assertInvalid(response, "resources.memory");
        assertThat(response.error().path("details").findValuesAsText("field"))
                .contains("resources.vcpus", "resources.disk");
        assertInvalid(admin.post("v1/sandboxes", Map.of("template", "base", "resources", Map.of("memory", 512))),
                "resources.memory");
    }

    @Test
    void create_negativeIdleTimeoutOrBadNameOrEnv_areValidationFailed() {
        assertInvalid(admin.post("v1/sandboxes", Map.of("template", "base", "idleTimeout", -1)), "idleTimeout");
        assertInvalid(admin.post("v1/sandboxes", Map.of("template", "base", "name", "../etc")), "name");
        assertInvalid(admin.post("v1/sandboxes", Map.of("template", "base", "name", "sandbox-abcdefabcdef")),
                "name");
        assertInvalid(admin.post("v1/sandboxes", Map.of("template", "base", "env", Map.of("1BAD", "x"))),
                "env.1BAD");
        assertInvalid(admin.post("v1/sandboxes", Map.of("template", "base", "tags", List.of(""))), "tags[0]");
    }

    @Test
    void create_nameAlreadyUsed_isConflict() {
        ApiResponse response = admin.post("v1/sandboxes", Map.of("template", "base", "name", "taken"));

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.error().path("code").asText()).isEqualTo("conflict");
    }

    @Test
    void create_overThePlansCaps_isQuotaExceeded() {
        ApiClient free = corral.newOrganization("free");

        ApiResponse tooBig = free.post("v1/sandboxes", Map.of("template", "base",
                "resources", Map.of("vcpus", 4)));
        ApiResponse neverIdle = free.post("v1/sandboxes", Map.of("template", "base", "idleTimeout", 0));

        assertThat(tooBig.status()).isEqualTo(403);
        assertThat(tooBig.error().path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(tooBig.error().path("message").asText()).contains("resources.vcpus");
        assertThat(neverIdle.error().path("code").asText()).isEqualTo("quota_exceeded");
    }

    @Test
    void create_pastTheConcurrentLimit_isQuotaExceeded() {
        ApiClient free = corral.newOrganization("free");
        String key = corral.newKey(free, "*");
        ApiClient worker = free.withKey(key);
        for (int i = 0; i < 5; i++) {
            assertThat(worker.post("v1/sandboxes", Map.of("template", "base",
                    "resources", Map.of("memory", "64MB", "disk", "64MB"))).status()).isEqualTo(201);
        }

        ApiResponse sixth = worker.post("v1/sandboxes", Map.of("template", "base"));

        assertThat(sixth.status()).isEqualTo(403);
        assertThat(sixth.error().path("code").asText()).isEqualTo("quota_exceeded");
        worker.get("v1/sandboxes").data().findValuesAsText("id")
                .forEach(id -> worker.delete("v1/sandboxes/" + id));
    }

    @Test
    void exec_emptyCommandOrNegativeTimeoutOrRelativeCwd_areValidationFailed() {
        String path = "v1/sandboxes/" + sandbox + "/exec";

        assertInvalid(admin.post(path, Map.of("command", "")), "command");
        assertInvalid(admin.post(path, Map.of()), "command");
        assertInvalid(admin.post(path, Map.of("command", "true", "timeout", -5)), "timeout");
        assertInvalid(admin.post(path, Map.of("command", "true", "cwd", "tmp")), "cwd");
        assertInvalid(admin.post(path, Map.of("command", "true", "encoding", "rot13")), "encoding");
    }

    @Test
    void exec_hugeCommand_isRefusedBeforeItRuns() {
        String path = "v1/sandboxes/" + sandbox + "/exec";

        // Expect: 100-continue lets the server refuse the body before the client sends it all.
        ApiResponse tenMegabytes = admin.send(admin.request(path).expectContinue(true)
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"command\": \"echo " + "x".repeat(10 << 20) + "\"}")));
        ApiResponse overArgMax = admin.post(path, Map.of("command", "echo " + "x".repeat(200_000)));

        assertThat(tenMegabytes.status()).isEqualTo(413);
        assertThat(tenMegabytes.error().path("code").asText()).isEqualTo("payload_too_large");
        assertInvalid(overArgMax, "command");
    }

    @Test
    void anotherOrganizationsSandbox_isNotFoundForEveryVerb() {
        ApiClient other = corral.newOrganization("team");
        String base = "v1/sandboxes/" + sandbox;

        assertThat(other.get(base).status()).isEqualTo(404);
        assertThat(other.get("v1/sandboxes/taken").status()).isEqualTo(404);
        assertThat(other.post(base + "/exec", Map.of("command", "true")).status()).isEqualTo(404);
        assertThat(other.post(base + "/pause", Map.of()).status()).isEqualTo(404);
        assertThat(other.post(base + "/resume", Map.of()).status()).isEqualTo(404);
        assertThat(other.delete(base).status()).isEqualTo(404);
        assertThat(other.get(base + "/processes").status()).isEqualTo(404);
        assertThat(other.get("v1/sandboxes").data().findValuesAsText("id")).doesNotContain(sandbox);
        assertThat(admin.get(base).data().path("status").asText()).isEqualTo("running");
    }

    @Test
    void sandboxScopes_areEnforced() {
        ApiClient reader = admin.withKey(corral.newKey(admin, "sandbox:read"));

        assertThat(reader.get("v1/sandboxes/" + sandbox).status()).isEqualTo(200);
        assertThat(reader.post("v1/sandboxes/" + sandbox + "/exec", Map.of("command", "true")).status())
                .isEqualTo(403);
        assertThat(reader.post("v1/sandboxes", Map.of("template", "base")).status()).isEqualTo(403);
    }
}
