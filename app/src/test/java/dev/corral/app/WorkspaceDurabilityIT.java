package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Workspace data outlives its sandboxes, server restarts, a host restart and a server killed mid-upload. */
class WorkspaceDurabilityIT {
    private static final Pattern READY = Pattern.compile("Corral is ready at (http://\\S+)");
    private static final int MB = 1 << 20;

    @Test
    void data_survivesSandboxDeleteServerRestartAndDetachedVolumes() {
        var first = new TestCorral(Map.of());
        ApiClient admin = first.admin;
        admin.post("v1/workspaces", Map.of("name", "keep", "slug", "keep", "quotaBytes", 64 * MB));
        String sandbox = sandbox(admin);
        admin.post("v1/sandboxes/" + sandbox + "/exec", Map.of("command", "seq 1 1000 > /data/numbers"));
        admin.delete("v1/sandboxes/" + sandbox);
        first.stop();
        // As if the host restarted: nothing of the workspace is mounted any more.
        LocalRuntime.open(first.config).workspaces().detachAll();

        try (var second = new TestCorral(first.dataDir, Map.of())) {
            String again = sandbox(second.admin);
            ApiResponse read = second.admin.post("v1/sandboxes/" + again + "/exec",
                    Map.of("command", "wc -l < /data/numbers; tail -n 1 /data/numbers"));
            assertThat(read.data().path("stdout").asText()).isEqualTo("1000\n1000\n");
        }
    }

    @Test
    void serverKilledMidUpload_discardsThePartialFileAndKeepsTheRest() throws Exception {
        Path dataDir = TestCorral.searchableTempDir();
        Process server = CorralProcess.start(List.of("serve", "--port", "0"), dataDir, Map.of(
                "CORRAL_BOOTSTRAP_KEY", TestCorral.ADMIN_KEY, "CORRAL_TEMPLATES_DIR", TestCorral.TEMPLATE_CACHE));
        var stalled = new CountDownLatch(1);
        String workspaceId;
        try {
            var admin = new ApiClient(URI.create(readyUrl(server) + "/"), TestCorral.ADMIN_KEY);
            workspaceId = admin.post("v1/workspaces", Map.of("name", "crash", "slug", "crash",
                    "quotaBytes", 64 * MB)).data().path("id").asText();
            assertThat(admin.put("v1/workspaces/crash/files/kept.txt",
                    Map.of("operation", "write", "contents", "kept")).status()).isEqualTo(200);

            HttpRequest upload = admin.authorizedRequest("v1/workspaces/crash/files/partial.bin")
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new StallingBody(8 * MB, stalled)))
                    .build();
            HttpClient.newHttpClient().sendAsync(upload, HttpResponse.BodyHandlers.discarding());
            Path staging = dataDir.resolve("workspaces").resolve(workspaceId).resolve("staging");
            awaitStagedBytes(staging, 4 * MB);
            server.destroyForcibly();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            stalled.countDown();
            server.destroyForcibly();
        }

        try (var restarted = new TestCorral(dataDir, Map.of())) {
            ApiResponse listing = restarted.admin.get("v1/workspaces/crash/files");
            assertThat(listing.data()).extracting(entry -> entry.path("value").asText())
                    .containsExactly("kept.txt");
            HttpRequest.Builder kept = restarted.admin.request("v1/workspaces/crash/direct?id=/kept.txt");
            assertThat(new String(restarted.admin.sendForBytes(kept.GET()).body(), StandardCharsets.UTF_8))
                    .isEqualTo("kept");
            try (Stream<Path> left = Files.list(dataDir.resolve("workspaces").resolve(workspaceId)
                    .resolve("staging"))) {
                assertThat(left).isEmpty();
            }
        }
    }

    private static String sandbox(ApiClient admin) {
        ApiResponse made = admin.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB"),
                "mounts", List.of(Map.of("workspaceId", "keep", "path", "/data"))));
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }

    private static String readyUrl(Process server) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            var ready = READY.matcher(line);
            if (ready.find()) {
                Thread.ofPlatform().daemon().start(() -> drain(reader));
                return ready.group(1);
            }
        }
        throw new IllegalStateException("corral serve ended before it was ready");
    }

    private static void drain(BufferedReader reader) {
        try {
            while (reader.readLine() != null) {
                // The server's log is not needed; reading it keeps the pipe from filling.
            }
        } catch (IOException e) {
            // The server is gone.
        }
    }

    private static void awaitStagedBytes(Path staging, long bytes) {
        await("the upload reaches " + bytes + " bytes in " + staging).atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(20)).ignoreException(java.nio.file.NoSuchFileException.class)
                .until(() -> stagedBytes(staging) >= bytes);
    }

    private static long stagedBytes(Path staging) throws IOException {
        try (Stream<Path> files = Files.list(staging)) {
            return files.mapToLong(WorkspaceDurabilityIT::sizeOf).sum();
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
