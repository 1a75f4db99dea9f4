package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the guest agent promises end to end, on real sandboxes: an upload cut off never replaces a file, a killed
 * agent is restarted (and the logs say so), a broken {@code /etc/passwd} stops nothing, and background processes
 * outlive a server restart.
 */
class GuestAgentIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    static final ApiClient admin = corral.admin;
    static FilesApi files;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(TestCorral.GUEST.equals("agent"), "these are the agent's promises");
        files = FilesApi.create(admin, "256MB");
    }

    @Test
    void upload_whoseClientDropsHalfWay_leavesTheOldFileAndNoTemporary() throws Exception {
        files.write("/workspace/kept.txt", "old".getBytes());
        String head = "PUT /" + files.url("", "/workspace/kept.txt") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + TestCorral.ADMIN_KEY + "\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 4000000\r\n\r\n";
        try (var socket = new Socket("127.0.0.1", corral.server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1_000_000]);
            out.flush();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(files.execOut("ls -A /workspace | grep -c corral-upload || true")).isEqualTo("1\n"));
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(files.execOut("ls -A /workspace | grep -c corral-upload || true")).isEqualTo("0\n"));
        assertThat(files.readText("/workspace/kept.txt")).isEqualTo("old");
    }

    @Test
    void agent_killedFromInside_isRestartedForTheNextCommandAndTheLogsSaySo() {
        try (var logs = new LogsClient(admin.base(), TestCorral.ADMIN_KEY, files.sandbox(), "")) {
            // The agent and the fork of it that serves this very command: the answer is whatever it can be.
            admin.post("v1/sandboxes/" + files.sandbox() + "/exec", Map.of("command", "pkill -9 -x corral-guest"));

            // A command sent while the agent was still dying may be cut off with it; the next one finds it gone.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() ->
                    assertThat(files.execOut("echo again")).isEqualTo("again\n"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.frames)
                    .anySatisfy(frame -> assertThat(frame.path("status").asText())
                            .isEqualTo("guest agent restarted")));
        }
        // One agent, adopted by the sandbox's init (ppid 1: it forked away from runc exec's process), and no dead
        // one left; the forks that serve connections, as the one serving ps, are its children.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            String processes = files.execOut("ps -eo ppid=,stat=,comm=");
            List<String> agents = processes.lines().map(String::strip).filter(line -> line.endsWith(" corral-guest"))
                    .toList();
            assertThat(agents.stream().filter(line -> line.matches("1\\s+[^Z\\s]\\S*\\s+corral-guest")))
                    .as(processes).hasSize(1);
            assertThat(agents).as(processes).noneMatch(line -> line.matches("\\d+\\s+Z\\S*\\s+corral-guest"));
        });
    }

    @Test
    void commandsAndFiles_afterEtcPasswdIsBroken_stillWork() {
        FilesApi broken = FilesApi.create(admin, "128MB");
        broken.exec("rm /etc/passwd && mkdir /etc/passwd");

        assertThat(broken.execOut("id -u; echo works")).isEqualTo("0\nworks\n");
        broken.write("/workspace/after.txt", "still".getBytes());
        assertThat(broken.readText("/workspace/after.txt")).isEqualTo("still");
        assertThat(broken.execOut("test -d /etc/passwd && echo still-broken")).isEqualTo("still-broken\n");
    }

    @Test
    void backgroundProcess_acrossAServerRestart_isListedAndKillable() {
        var first = new TestCorral(Map.of());
        String sandbox;
        String processId;
        try {
            sandbox = made(first.admin.post("v1/sandboxes?wait=true", Map.of("template", "base",
                    "resources", Map.of("memory", "128MB", "disk", "128MB"))));
            ApiResponse started = first.admin.post("v1/sandboxes/" + sandbox + "/exec", Map.of("background", true,
                    "command", "echo before; sleep 1001"));
            assertThat(started.status()).as(started.toString()).isEqualTo(201);
            processId = started.data().path("processId").asText();
        } finally {
            first.stop();
        }

        try (var second = new TestCorral(first.dataDir, Map.of())) {
            ApiClient again = second.admin;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(status(again, sandbox, processId)).isEqualTo("running"));
            ApiResponse killed = again.delete("v1/sandboxes/" + sandbox + "/processes/" + processId);
            assertThat(killed.status()).as(killed.toString()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(again.post("v1/sandboxes/"
                    + sandbox + "/exec", Map.of("command", "ps -eo args | grep -c '^sleep 1001$' || true")).data()
                    .path("stdout").asText()).isEqualTo("0\n"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(status(again, sandbox, processId)).isIn("killed", "exited"));
        }
    }

    private static String status(ApiClient client, String sandbox, String processId) {
        for (JsonNode process : client.get("v1/sandboxes/" + sandbox + "/processes").data()) {
            if (process.path("processId").asText().equals(processId)) {
                return process.path("status").asText();
            }
        }
        return "missing";
    }

    private static String made(ApiResponse response) {
        assertThat(response.data().path("status").asText()).as(response.toString()).isEqualTo("running");
        return response.data().path("id").asText();
    }
}
