package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping the server leaves sandboxes running; the next start finds them as they were. */
class SandboxRestartIT {

    @Test
    void restart_keepsRunningAndPausedSandboxesIntact() {
        var first = new TestCorral(Map.of());
        ApiClient admin = first.admin;
        String running = made(admin.post("v1/sandboxes?wait=true", small()));
        String paused = made(admin.post("v1/sandboxes?wait=true", small()));
        admin.post("v1/sandboxes/" + running + "/exec", Map.of("command", "echo kept > /workspace/note"));
        admin.post("v1/sandboxes/" + running + "/exec", Map.of("background", true,
                "command", "sleep 1000"));
        admin.post("v1/sandboxes/" + paused + "/exec", Map.of("command", "echo frozen > /workspace/note"));
        admin.post("v1/sandboxes/" + paused + "/pause", Map.of());
        first.stop();

        try (var second = new TestCorral(first.dataDir, Map.of())) {
            ApiClient again = second.admin;
            assertThat(again.get("v1/sandboxes/" + running).data().path("status").asText()).isEqualTo("running");
            assertThat(again.get("v1/sandboxes/" + paused).data().path("status").asText()).isEqualTo("paused");
            ApiResponse note = again.post("v1/sandboxes/" + running + "/exec",
                    Map.of("command", "cat /workspace/note; ps -eo args | grep -c '^sleep 1000$'"));
            assertThat(note.data().path("stdout").asText()).isEqualTo("kept\n1\n");
            ApiResponse frozen = again.post("v1/sandboxes/" + paused + "/exec",
                    Map.of("command", "cat /workspace/note"));
            assertThat(frozen.data().path("stdout").asText()).isEqualTo("frozen\n");
            assertThat(again.get("v1/sandboxes/" + paused).data().path("status").asText()).isEqualTo("running");
        }
    }

    private static Map<String, Object> small() {
        return Map.of("template", "base", "resources", Map.of("memory", "128MB", "disk", "128MB"));
    }

    private static String made(ApiResponse response) {
        assertThat(response.data().path("status").asText()).as(response.toString()).isEqualTo("running");
        return response.data().path("id").asText();
    }
}
