package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.SandboxState;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A sandbox paused for {@code hibernate-after} is hibernated: its processes stop, its files stay, and the next use
 * starts it again; a server restart leaves it hibernated.
 */
class SandboxHibernationIT {
    private static final Map<String, String> FLAGS = Map.of("reaper-interval", "1s", "hibernate-after", "10m");

    @Test
    void longPausedSandbox_isHibernatedAndStartsAgainWithItsFilesOnUse() {
        try (var corral = new TestCorral(FLAGS)) {
            ApiClient admin = corral.admin;
            String id = created(admin);
            exec(admin, id, "echo kept > /workspace/note");
            admin.post("v1/sandboxes/" + id + "/exec", Map.of("command", "sleep 1000", "background", true));
            admin.post("v1/sandboxes/" + id + "/pause", Map.of());

            corral.clock.advance(Duration.ofMinutes(9));
            assertThat(sandbox(admin, id).path("hibernated").asBoolean()).isFalse();
            corral.clock.advance(Duration.ofMinutes(2));
            await().atMost(Duration.ofSeconds(60)).until(() -> sandbox(admin, id).path("hibernated").asBoolean());

            assertThat(sandbox(admin, id).path("status").asText()).isEqualTo("paused");
            assertThat(LocalRuntime.open(corral.config).runtime().state(new SandboxId(id)))
                    .isEqualTo(SandboxState.STOPPED);

            String after = exec(admin, id, "cat /workspace/note; ps -eo args | grep -c '^sleep 1000$'");

            assertThat(after).isEqualTo("kept\n0\n");
            JsonNode running = sandbox(admin, id);
            assertThat(running.path("status").asText()).isEqualTo("running");
            assertThat(running.path("hibernated").asBoolean()).isFalse();
        }
    }

    @Test
    void hibernatedSandbox_staysHibernatedAcrossARestartAndResumes() {
        var first = new TestCorral(FLAGS);
        String id = created(first.admin);
        exec(first.admin, id, "echo kept > /workspace/note");
        first.admin.post("v1/sandboxes/" + id + "/pause", Map.of());
        first.clock.advance(Duration.ofMinutes(11));
        await().atMost(Duration.ofSeconds(60)).until(() -> sandbox(first.admin, id).path("hibernated").asBoolean());
        first.stop();

        try (var second = new TestCorral(first.dataDir, FLAGS)) {
            JsonNode kept = sandbox(second.admin, id);
            assertThat(kept.path("status").asText()).isEqualTo("paused");
            assertThat(kept.path("hibernated").asBoolean()).isTrue();

            ApiResponse resumed = second.admin.post("v1/sandboxes/" + id + "/resume", Map.of());

            assertThat(resumed.data().path("status").asText()).isEqualTo("running");
            assertThat(exec(second.admin, id, "cat /workspace/note")).isEqualTo("kept\n");
        }
    }

    private static String created(ApiClient admin) {
        ApiResponse made = admin.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB"), "idleTimeout", 3600));
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }

    private static String exec(ApiClient admin, String id, String command) {
        ApiResponse result = admin.post("v1/sandboxes/" + id + "/exec", Map.of("command", command));
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result.data().path("stdout").asText();
    }

    private static JsonNode sandbox(ApiClient admin, String id) {
        return admin.get("v1/sandboxes/" + id).data();
    }
}
