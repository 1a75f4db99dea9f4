package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pause and resume, streaming, background processes, logs, idle auto-pause and limits, on real runc sandboxes. */
class SandboxLifecycleIT {
    private static final Map<String, Object> SMALL = Map.of("vcpus", 1, "memory", "128MB", "disk", "128MB");
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("reaper-interval", "1s"));
    private static final ApiClient admin = corral.admin;

    private static String create(Map<String, Object> extra) {
        var body = new java.util.HashMap<String, Object>(Map.of("template", "base", "resources", SMALL));
        body.putAll(extra);
        ApiResponse made = admin.post("v1/sandboxes?wait=true", body);
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }

    private static JsonNode exec(String sandbox, String command) {
        ApiResponse response = admin.post("v1/sandboxes/" + sandbox + "/exec", Map.of("command", command));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        return response.data();
    }

    private static int counter(String sandbox) {
        return Integer.parseInt(exec(sandbox, "wc -l < /tmp/counter").path("stdout").asText().strip());
    }

    @Test
    void pause_freezesARunningLoop_andResumeContinuesItWithFilesIntact() {
        String id = create(Map.of());
        exec(id, "echo keep > /workspace/file.txt");
        admin.post("v1/sandboxes/" + id + "/exec", Map.of("background", true,
                "command", "while true; do echo x >> /tmp/counter; sleep 0.1; done"));
        await().atMost(Duration.ofSeconds(10)).until(() -> counter(id) > 3);

        int beforePause = counter(id);
        ApiResponse paused = admin.post("v1/sandboxes/" + id + "/pause", Map.of());
        assertThat(paused.data().path("status").asText()).isEqualTo("paused");
        assertThat(paused.data().path("pausedAt").isNull()).isFalse();
        assertThat(admin.post("v1/sandboxes/" + id + "/pause", Map.of()).status()).isEqualTo(200);
        // Reading the counter would resume the sandbox (exec is activity): watch its status instead, for 2 s in
        // which the loop would write about 20 lines if it were not frozen. The reads before the pause and after the
        // resume are execs that take a few tenths of a second each on a busy machine, hence the margin below.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> admin.get("v1/sandboxes/" + id).data().path("status").asText().equals("paused"));
        ApiResponse resumed = admin.post("v1/sandboxes/" + id + "/resume", Map.of());
        int afterPause = counter(id);

        assertThat(resumed.data().path("status").asText()).isEqualTo("running");
        assertThat(afterPause - beforePause).as("lines written while paused for 2 s").isLessThan(10);
        await("the loop goes on after resume").atMost(Duration.ofSeconds(10))
                .until(() -> counter(id) > afterPause + 3);
        assertThat(exec(id, "cat /workspace/file.txt").path("stdout").asText()).isEqualTo("keep\n");
    }

    @Test
    void exec_onAPausedSandbox_resumesItFirst() {
        String id = create(Map.of());
        admin.post("v1/sandboxes/" + id + "/pause", Map.of());

        JsonNode result = exec(id, "echo awake");

        assertThat(result.path("stdout").asText()).isEqualTo("awake\n");
        assertThat(admin.get("v1/sandboxes/" + id).data().path("status").asText()).isEqualTo("running");
    }

    @Test
    void deleted_sandbox_refusesExecWithInvalidStateAndStaysListedAsStopped() {
        String id = create(Map.of());

        ApiResponse deleted = admin.delete("v1/sandboxes/" + id);
        ApiResponse exec = admin.post("v1/sandboxes/" + id + "/exec", Map.of("command", "true"));

        assertThat(deleted.data().path("status").asText()).isEqualTo("stopped");
        assertThat(exec.status()).isEqualTo(409);
        assertThat(exec.error().path("code").asText()).isEqualTo("invalid_state");
        assertThat(admin.get("v1/sandboxes/" + id).data().path("status").asText()).isEqualTo("stopped");
        assertThat(admin.get("v1/sandboxes?status=stopped").data().findValuesAsText("id")).contains(id);
        assertThat(admin.get("v1/sandboxes").data().findValuesAsText("id")).doesNotContain(id);
        assertThat(admin.post("v1/sandboxes/" + id + "/resume", Map.of()).status()).isEqualTo(409);
    }

    @Test
    void streamingExec_sendsStdoutStderrAndExitInOrder() throws Exception {
        String id = create(Map.of());
        var request = admin.request("v1/sandboxes/" + id + "/exec")
                .header("Authorization", "Bearer " + TestCorral.ADMIN_KEY)
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"command\": \"echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three\"}"))
                .build();
        HttpResponse<java.io.InputStream> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> events = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    events.add(event + " " + line.substring(6));
                }
            }
        }

        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).isEqualTo("stdout {\"data\":\"one\\n\"}");
        assertThat(events.get(1)).isEqualTo("stderr {\"data\":\"two\\n\"}");
        assertThat(events.get(2)).isEqualTo("stdout {\"data\":\"three\\n\"}");
        assertThat(events.get(3)).startsWith("exit {").contains("\"exitCode\":0").contains("\"timedOut\":false");
    }

    @Test
    void backgroundProcess_isListedAndKilledWithItsGroup() {
        String id = create(Map.of());

        ApiResponse started = admin.post("v1/sandboxes/" + id + "/exec", Map.of("background", true,
                "command", "sleep 1000 & sleep 1001"));
        String processId = started.data().path("processId").asText();
        ApiResponse listed = admin.get("v1/sandboxes/" + id + "/processes");
        ApiResponse killed = admin.delete("v1/sandboxes/" + id + "/processes/" + processId);

        assertThat(started.status()).isEqualTo(201);
        assertThat(processId).startsWith("proc_");
        assertThat(listed.data().findValuesAsText("processId")).contains(processId);
        assertThat(killed.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                admin.get("v1/sandboxes/" + id + "/processes").data().get(0).path("status").asText())
                .isEqualTo("killed"));
        assertThat(exec(id, "ps -eo args | grep -c '^sleep 100' || true").path("stdout").asText().strip())
                .isEqualTo("0");
        assertThat(admin.delete("v1/sandboxes/" + id + "/processes/proc_nothinghere").status()).isEqualTo(404);
    }

    @Test
    void logsWebSocket_receivesExecOutputAndStatusFrames() {
        String id = create(Map.of());
        try (var logs = new LogsClient(admin.base(), TestCorral.ADMIN_KEY, id, "")) {
            exec(id, "echo from-exec");
            admin.post("v1/sandboxes/" + id + "/exec", Map.of("background", true, "command", "echo from-bg >&2"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.types()).contains("stderr"));
            admin.post("v1/sandboxes/" + id + "/pause", Map.of());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.types())
                    .contains("exec_start", "stdout", "stderr", "exec_end", "status"));
            JsonNode stdout = logs.frames.stream().filter(f -> f.path("type").asText().equals("stdout")).findFirst()
                    .orElseThrow();
            assertThat(stdout.path("data").asText()).isEqualTo("from-exec\n");
            assertThat(stdout.path("sandboxId").asText()).isEqualTo(id);
            assertThat(stdout.path("processId").asText()).startsWith("proc_");
            assertThat(logs.frames.stream().filter(f -> f.path("type").asText().equals("status"))
                    .map(f -> f.path("status").asText())).contains("paused");
        }
        try (var replay = new LogsClient(admin.base(), TestCorral.ADMIN_KEY, id, "?since=0")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(replay.types()).contains("exec_start", "stdout", "status"));
        }
    }

    @Test
    void logsWebSocket_anotherOrganizationsSandbox_isClosedAsNotFound() throws Exception {
        String id = create(Map.of());
        String otherKey = corral.newKey(corral.newOrganization("pro"), "*");

        var logs = new LogsClient(admin.base(), otherKey, id, "");

        assertThat(logs.closed.get(10, java.util.concurrent.TimeUnit.SECONDS).code()).isEqualTo(4404);
    }

    @Test
    void idleSandbox_isPausedAfterItsIdleTimeout() {
        String id = create(Map.of("idleTimeout", 2));
        String watched = create(Map.of("idleTimeout", 2));
        var logs = new LogsClient(admin.base(), TestCorral.ADMIN_KEY, watched, "");

        corral.clock.advance(Duration.ofSeconds(3));

        await().atMost(Duration.ofSeconds(20)).until(() ->
                admin.get("v1/sandboxes/" + id).data().path("status").asText().equals("paused"));
        assertThat(exec(id, "echo back").path("stdout").asText()).isEqualTo("back\n");
        assertThat(admin.get("v1/sandboxes/" + watched).data().path("status").asText())
                .as("a sandbox whose logs are watched is not idle").isEqualTo("running");
        logs.close();
    }

    @Test
    void memoryHog_isKilledInsideItsSandboxWhichKeepsWorking() {
        String id = create(Map.of());

        JsonNode hog = exec(id, "python3 -c \"b = bytearray(512 * 1024 * 1024); print('survived')\"");

        assertThat(hog.path("exitCode").asInt()).isEqualTo(137);
        assertThat(hog.path("stdout").asText()).doesNotContain("survived");
        assertThat(exec(id, "echo fine").path("stdout").asText()).isEqualTo("fine\n");
        assertThat(admin.withoutKey().get("health").status()).isEqualTo(200);
    }

    @Test
    void forkBomb_stopsAtThePidsLimitAndTheSandboxRecovers() {
        String id = create(Map.of());

        JsonNode bomb = admin.post("v1/sandboxes/" + id + "/exec", Map.of("timeout", 5000,
                "command", "bomb() { bomb | bomb & }; bomb; sleep 10")).data();

        assertThat(bomb.path("timedOut").asBoolean()).isTrue();
        assertThat(bomb.path("stderr").asText()).containsIgnoringCase("fork");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(exec(id, "echo alive").path("stdout").asText()).isEqualTo("alive\n"));
        assertThat(admin.withoutKey().get("health").status()).isEqualTo(200);
    }

    @Test
    void disk_isFullAtItsSize() {
        String id = create(Map.of());

        JsonNode fill = exec(id, "dd if=/dev/zero of=/workspace/big bs=1M count=256 2>&1; echo exit=$?");

        assertThat(fill.path("stdout").asText()).contains("No space left on device").contains("exit=1");
        assertThat(exec(id, "rm /workspace/big && echo freed").path("stdout").asText()).isEqualTo("freed\n");
    }
}
