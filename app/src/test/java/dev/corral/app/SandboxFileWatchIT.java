package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The file watch WebSocket end to end: changes made inside a real runc sandbox arrive as frames, and the watcher
 * process in the sandbox lives exactly as long as the socket. Each test watches a directory of its own.
 */
class SandboxFileWatchIT {
    private static final String ADMIN_KEY = TestCorral.ADMIN_KEY;
    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("reaper-interval", "1s"));
    static final ApiClient admin = corral.admin;
    static FilesApi files;

    @BeforeAll
    static void start() {
        files = FilesApi.create(admin, "512MB");
    }

    private static WatchClient watch(String path, String query) {
        return new WatchClient(admin.base(), ADMIN_KEY, files.sandbox(), path, query);
    }

    @Test
    void watch_changesMadeByExec_areCreatedModifiedRenamedAndDeleted() {
        files.exec("mkdir -p /workspace/basic");
        try (var watch = watch("/workspace/basic", "").awaitReady()) {
            files.exec("cd /workspace/basic && echo one > a.txt && mkdir dir && mv a.txt b.txt && rm b.txt");

            JsonNode renamed = watch.awaitChange("renamed", "/workspace/basic/b.txt");
            watch.awaitChange("deleted", "/workspace/basic/b.txt");

            assertThat(watch.changes()).containsSubsequence("created /workspace/basic/a.txt",
                    "modified /workspace/basic/a.txt", "renamed /workspace/basic/b.txt",
                    "deleted /workspace/basic/b.txt");
            assertThat(watch.changes()).contains("created /workspace/basic/dir");
            assertThat(renamed.path("oldPath").asText()).isEqualTo("/workspace/basic/a.txt");
            assertThat(renamed.path("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*Z");
            assertThat(watch.frames.getFirst().path("type").asText()).isEqualTo("ready");
            assertThat(watch.frames.getFirst().path("path").asText()).isEqualTo("/workspace/basic");
        }
    }

    @Test
    void watch_aFileWrittenInManyPieces_isModifiedAfterItsLastWrite() {
        files.exec("mkdir -p /workspace/burst");
        try (var watch = watch("burst", "").awaitReady()) {
            files.exec("for i in $(seq 1000); do echo \"line $i\"; done > /workspace/burst/big.txt; "
                    + "touch /workspace/burst/after");

            watch.awaitChange("created", "/workspace/burst/after");

            assertThat(watch.changes()).as("how many writes each frame stands for depends on the machine's pace")
                    .containsSubsequence("created /workspace/burst/big.txt", "modified /workspace/burst/big.txt",
                            "created /workspace/burst/after")
                    .endsWith("modified /workspace/burst/big.txt", "created /workspace/burst/after")
                    .allMatch(change -> change.endsWith("big.txt") || change.endsWith("after"));
        }
    }

    @Test
    void watch_namesWithBlanksBarsAndNewlines_arrivePathExact() {
        files.exec("mkdir -p '/workspace/odd names'");
        try (var watch = watch("/workspace/odd names", "").awaitReady()) {
            files.exec("cd '/workspace/odd names' && touch 'my file | x' && touch \"$(printf 'line\\nbreak')\"");

            watch.awaitChange("created", "/workspace/odd names/my file | x");
            watch.awaitChange("created", "/workspace/odd names/line\nbreak");
        }
    }

    @Test
    void watch_aChangeInASubdirectory_isReportedOnlyWhenRecursive() {
        files.exec("mkdir -p /workspace/tree/sub");
        try (var flat = watch("/workspace/tree", "").awaitReady();
             var deep = watch("/workspace/tree", "&recursive=true").awaitReady()) {
            files.exec("echo x > /workspace/tree/sub/deep.txt && echo y > /workspace/tree/top.txt");

            deep.awaitChange("created", "/workspace/tree/sub/deep.txt");
            deep.awaitChange("created", "/workspace/tree/top.txt");
            flat.awaitChange("created", "/workspace/tree/top.txt");

            assertThat(flat.changes()).as("the flat watch saw top.txt after deep.txt was made")
                    .noneMatch(change -> change.contains("deep.txt"));
        }
    }

    @Test
    void watch_aFileWrittenThroughTheFilesApi_isModifiedWithoutItsTemporaryFile() {
        files.exec("mkdir -p /workspace/api");
        try (var watch = watch("/workspace/api", "").awaitReady()) {
            files.write("/workspace/api/notes.md", "hello".getBytes(StandardCharsets.UTF_8));

            watch.awaitChange("modified", "/workspace/api/notes.md");
            files.exec("touch /workspace/api/marker");
            watch.awaitChange("created", "/workspace/api/marker");

            assertThat(watch.changes()).containsExactly("modified /workspace/api/notes.md",
                    "created /workspace/api/marker");
        }
    }

    @Test
    void close_stopsTheWatcherInTheSandbox() {
        files.exec("mkdir -p /workspace/closing");
        String count = "ps -eo args | grep -c '^inotifywait.*/workspace/closin[g]$' || true";
        var watch = watch("/workspace/closing", "").awaitReady();
        assertThat(files.execOut(count).strip()).isEqualTo("1");

        watch.close();

        await().atMost(WatchClient.PATIENCE).untilAsserted(() ->
                assertThat(files.execOut(count).strip()).isEqualTo("0"));
    }

    @Test
    void watch_anotherOrganizationsSandbox_isClosedAsNotFound() {
        String otherKey = corral.newKey(corral.newOrganization("pro"), "*");

        var watch = new WatchClient(admin.base(), otherKey, files.sandbox(), "/workspace", "");

        assertThat(watch.awaitClosed().code()).isEqualTo(4404);
        assertThat(watch.frames).isEmpty();
    }

    @Test
    void watch_aMissingDirectoryOrAFile_isClosedSayingSo() {
        files.exec("touch /workspace/plain-file");

        var missing = new WatchClient(admin.base(), ADMIN_KEY, files.sandbox(), "/workspace/nowhere", "");
        var file = new WatchClient(admin.base(), ADMIN_KEY, files.sandbox(), "/workspace/plain-file", "");

        assertThat(missing.awaitClosed()).isEqualTo(new JsonFrames.Closed(4404, "File '/workspace/nowhere' not found"));
        assertThat(file.awaitClosed()).isEqualTo(new JsonFrames.Closed(4400, "/workspace/plain-file is not a directory"));
    }

    @Test
    void watch_malformedQuery_isRefusedBeforeTheUpgrade() {
        int badFlag = WatchClient.refusal(admin.base(), ADMIN_KEY, files.sandbox(), "/workspace", "&recursive=yes");
        int badPath = WatchClient.refusal(admin.base(), ADMIN_KEY, files.sandbox(), "/work\0space", "");

        assertThat(badFlag).isEqualTo(400);
        assertThat(badPath).isEqualTo(400);
    }

    @Test
    void watch_keepsAnIdleSandboxAwake_resumesAPausedOne_andEndsWhenItIsDeleted() {
        String watched = create(Map.of("idleTimeout", 2));
        String idle = create(Map.of("idleTimeout", 2));
        var watch = new WatchClient(admin.base(), ADMIN_KEY, watched, "/workspace", "").awaitReady();

        corral.clock.advance(Duration.ofSeconds(3));
        await().atMost(WatchClient.PATIENCE).until(() -> status(idle).equals("paused"));
        assertThat(status(watched)).as("a watched sandbox is not idle").isEqualTo("running");
        try (var resumed = new WatchClient(admin.base(), ADMIN_KEY, idle, "/workspace", "").awaitReady()) {
            assertThat(status(idle)).isEqualTo("running");
        }
        admin.delete("v1/sandboxes/" + watched);

        assertThat(watch.awaitClosed().code()).isEqualTo(1001);
    }

    private static String create(Map<String, Object> extra) {
        var body = new java.util.HashMap<String, Object>(Map.of("template", "base", "resources",
                Map.of("vcpus", 1, "memory", "128MB", "disk", "128MB")));
        body.putAll(extra);
        ApiResponse made = admin.post("v1/sandboxes?wait=true", body);
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }

    private static String status(String sandbox) {
        return admin.get("v1/sandboxes/" + sandbox).data().path("status").asText();
    }
}
