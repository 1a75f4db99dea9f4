package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The faults suite: a real {@code corral serve} process killed with SIGKILL in the middle of a create, a command,
 * an upload, a pause and a delete, then started again on the same data directory. After each restart no sandbox is
 * left {@code creating}, every live sandbox's status is what runc says, nothing of a gone sandbox stays on the host
 * (container, mount, loop device, cgroup, process), a cut-off upload left the old file whole, and the background
 * process started before the first kill is still listed. Template builds are not covered: Corral builds templates
 * only offline ({@code corral templates build}), so no server holds one in flight.
 *
 * <p>The sandbox {@code keeper} lives through every kill of the class. Each test leaves a running server.
 */
class FaultsIT {
    private static final SecurityResults RESULTS = new SecurityResults("faults");
    /** What every kill must leave after the restart ({@link #killRestartAndCheck()}). */
    private static final String RESTARTED = "no sandbox creating, every status what runc says, nothing of a gone"
            + " sandbox on the host, the background process still listed";
    private static final Duration SETTLED = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String OLD_CONTENT = "the content before the upload\n";

    private static final Path dataDir = TestCorral.searchableTempDir().resolve("data");
    /** Every sandbox this class made, in whatever state. */
    private static final Set<String> made = new LinkedHashSet<>();
    private static ServedCorral server;
    private static String keeper;
    private static String keptProcess;

    @BeforeAll
    static void startServer() {
        server = ServedCorral.start(dataDir, Map.of());
        keeper = create(server.admin);
        made.add(keeper);
        ApiResponse background = server.admin.post(sandbox(keeper) + "/exec",
                Map.of("command", "sleep 1000", "background", true));
        assertThat(background.status()).as(background.toString()).isEqualTo(201);
        keptProcess = background.data().path("processId").asText();
        new FilesApi(server.admin, keeper).write("/workspace/upload.bin", OLD_CONTENT.getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopServer() throws Exception {
        RESULTS.writeAfterClosing(server);
    }

    @Test
    void killDuringCreate_afterTheDiskIsMade_restartSettlesTheSandboxAndLeaksNothing() throws Exception {
        killDuringCreate("disk made", "its disk image exists", "disk.img");
    }

    @Test
    void killDuringCreate_afterTheConfigIsWritten_restartSettlesTheSandboxAndLeaksNothing() throws Exception {
        killDuringCreate("container starting", "its OCI config is written, as runc starts it", "bundle/config.json");
    }

    /** Creates a sandbox without waiting, and kills the server once {@code file} of it exists. */
    private static void killDuringCreate(String phase, String when, String file) throws Exception {
        RESULTS.check("kill -9 during create (" + phase + ")", "kill", "SIGKILL once a new sandbox's " + when
                + ", then restart", RESTARTED + "; the new sandbox settled", () -> {
            String id = createWithoutWaiting();
            await().atMost(SETTLED).until(() -> Files.exists(runtimeDir(id).resolve(file)));
            return killRestartAndCheck() + "; new sandbox " + status(id);
        });
    }

    @Test
    void killDuringExec_restartKeepsTheSandboxAndEndsTheCommand() throws Exception {
        RESULTS.check("kill -9 during exec", "kill", "SIGKILL while a 60 s command runs, then restart",
                RESTARTED + "; the cut-off command ended", () -> {
            Path started = upper(keeper).resolve("tmp/exec-started");
            Files.deleteIfExists(started);
            CompletableFuture<ApiResponse> command = CompletableFuture.supplyAsync(() -> server.admin.post(
                    sandbox(keeper) + "/exec", Map.of("command", "touch /tmp/exec-started; sleep 61",
                            "timeout", 120_000)));
            await().atMost(SETTLED).until(() -> Files.exists(started));
            String checked = killRestartAndCheck();
            assertThat(command.handle((answer, failure) -> answer == null)).as("no answer from a killed server")
                    .succeedsWithin(SETTLED).isEqualTo(true);
            // The command's caller is gone: the agent ends it rather than leave it running unseen.
            await().atMost(Duration.ofSeconds(30)).until(() -> count(keeper, "^sleep 61") == 0);
            return checked + "; the cut-off command ended";
        });
    }

    @Test
    void killDuringUpload_restartLeavesTheOldFileWholeAndNoTemporaryFile() throws Exception {
        RESULTS.check("kill -9 during upload", "kill", "SIGKILL after 4 MB of an upload over an existing file,"
                + " then restart", RESTARTED + "; the old file whole, no temporary file", () -> {
            var release = new CountDownLatch(1);
            ApiClient admin = server.admin;
            CompletableFuture<HttpResponse<String>> upload = HTTP.sendAsync(
                    admin.authorizedRequest(new FilesApi(admin, keeper).url("", "/workspace/upload.bin"))
                            .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new StallingBody(8 << 20, release)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(SETTLED).until(() -> uploadTemporaries(keeper).anyMatch(f -> size(f) >= 4 << 20));
            String checked = killRestartAndCheck();
            release.countDown();
            assertThat(upload.handle((answer, failure) -> answer == null)).succeedsWithin(SETTLED).isEqualTo(true);
            HttpResponse<byte[]> file = new FilesApi(server.admin, keeper).get("/workspace/upload.bin");
            assertThat(new String(file.body(), StandardCharsets.UTF_8)).isEqualTo(OLD_CONTENT);
            assertThat(uploadTemporaries(keeper)).as("temporary files of the cut-off upload").isEmpty();
            return checked + "; the old file is whole and no temporary file is left";
        });
    }

    @Test
    void killDuringPause_restartAgreesWithRuncAndResumes() throws Exception {
        RESULTS.check("kill -9 during pause", "kill", "SIGKILL as a pause request is sent, then restart",
                RESTARTED + "; the sandbox resumes", () -> {
            CompletableFuture<HttpResponse<String>> pause = HTTP.sendAsync(
                    server.admin.authorizedRequest(sandbox(keeper) + "/pause").POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            String checked = killRestartAndCheck();
            pause.handle((answer, failure) -> answer).join();
            String after = status(keeper);
            ApiResponse resumed = server.admin.post(sandbox(keeper) + "/resume", Map.of());
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            assertThat(resumed.data().path("status").asText()).isEqualTo("running");
            return checked + "; the sandbox was " + after + " and resumed";
        });
    }

    @Test
    void killDuringDelete_restartFinishesTheDelete() throws Exception {
        RESULTS.check("kill -9 during delete", "kill", "SIGKILL once a deleted sandbox's container is gone,"
                + " before its files are, then restart", RESTARTED + "; the sandbox stays deleted (stopped), nothing left of it",
                () -> {
            String id = create(server.admin);
            made.add(id);
            CompletableFuture<ApiResponse> delete = CompletableFuture.supplyAsync(
                    () -> server.admin.delete(sandbox(id)));
            await().atMost(SETTLED).pollInterval(Duration.ofMillis(5))
                    .until(() -> !HostLeaks.containers(dataDir).contains(id) || delete.isDone());
            String checked = killRestartAndCheck();
            delete.handle((answer, failure) -> answer).join();
            String after = status(id);
            assertThat(after).as("a sandbox whose delete was cut off is still deleted").isEqualTo("stopped");
            ApiResponse again = server.admin.delete(sandbox(id));
            assertThat(again.status()).as(again.toString()).isEqualTo(200);
            assertThat(HostLeaks.except(dataDir, made, live())).satisfies(leaks -> assertThat(leaks.none())
                    .as("%s", leaks).isTrue());
            return checked + "; the sandbox was " + after + " after the restart, nothing left of it";
        });
    }

    @Test
    void runtimeBinaryMissing_sandboxCallsAnswer503AndTheRestServes() throws Exception {
        RESULTS.check("runtime binary missing", "host", "start the server with no runc on its PATH, create a"
                + " sandbox", "503 runtime_unavailable; /health and listing still 200", () -> {
            Path dir = TestCorral.searchableTempDir();
            Path bin = commandsWithout("runc", dir.resolve("bin"));
            try (var noRunc = ServedCorral.start(dir.resolve("data"), Map.of("PATH", bin.toString()))) {
                ApiResponse created = noRunc.admin.post("v1/sandboxes?wait=true", small());
                assertThat(created.status()).as(created.toString()).isEqualTo(503);
                assertThat(created.error().path("code").asText()).isEqualTo("runtime_unavailable");
                assertThat(created.header("X-Request-Id")).isNotNull();
                assertThat(noRunc.admin.get("health").status()).isEqualTo(200);
                assertThat(noRunc.admin.get("v1/sandboxes").status()).isEqualTo(200);
                return "create answered 503 runtime_unavailable; /health and listing still 200";
            }
        });
    }

    @Test
    void dataDiskFull_createAnswersClearlyAndWorksAgainOnceSpaceReturns() throws Exception {
        RESULTS.check("data disk full", "host", "fill a 96 MB data disk, create a sandbox, free the space, create"
                + " again", "503 runtime_unavailable naming the space; 201 once freed", () -> {
            Path disk = TestCorral.searchableTempDir();
            run("mount", "-t", "tmpfs", "-o", "size=96m,mode=0711", "tmpfs", disk.toString());
            try (var full = ServedCorral.start(disk.resolve("data"), Map.of())) {
                ApiClient admin = full.admin;
                String before = create(admin);
                Path filler = disk.resolve("filler");
                fill(filler);

                ApiResponse refused = admin.post("v1/sandboxes?wait=true", small());
                assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
                assertThat(refused.error().path("code").asText()).isEqualTo("runtime_unavailable");
                assertThat(refused.error().path("message").asText()).containsIgnoringCase("space");
                assertThat(admin.get("v1/sandboxes").status()).isEqualTo(200);

                Files.delete(filler);
                String after = create(admin);
                assertThat(admin.delete(sandbox(after)).status()).isEqualTo(200);
                assertThat(admin.delete(sandbox(before)).status()).isEqualTo(200);
                return "full: create answered 503 runtime_unavailable (" + refused.error().path("message").asText()
                        + "); once freed, create answered 201 running";
            } finally {
                run("umount", "--lazy", disk.toString());
            }
        });
    }

    /**
     * SIGKILL, start again on the same data directory, and check what the restart settled: no sandbox left
     * {@code creating}, runc running exactly the live ones, nothing of the others on the host, the keeper's
     * background process listed.
     */
    private static String killRestartAndCheck() {
        server.kill();
        server = server.restart(Map.of());
        var statuses = new ArrayList<String>();
        for (String id : made) {
            String status = status(id);
            statuses.add(status);
            assertThat(status).as("%s after the restart; server output:%n%s", id, server.output())
                    .isIn("running", "paused", "stopped", "failed");
        }
        Set<String> live = live();
        assertThat(new HashSet<>(HostLeaks.containers(dataDir))).as("containers in runc").isEqualTo(live);
        HostLeaks leaks = HostLeaks.except(dataDir, made, live);
        assertThat(leaks.none()).as("left on the host: %s", leaks).isTrue();
        await().atMost(SETTLED).until(() -> processStatus(keeper, keptProcess).equals("running"));
        return "restarted: " + made.size() + " sandboxes " + statuses + ", nothing leaked, background process listed";
    }

    /** The sandboxes whose status is running or paused. */
    private static Set<String> live() {
        var live = new HashSet<String>();
        for (String id : made) {
            if (Set.of("running", "paused").contains(status(id))) {
                live.add(id);
            }
        }
        return live;
    }

    private static String create(ApiClient admin) {
        ApiResponse created = admin.post("v1/sandboxes?wait=true", small());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.data().path("status").asText()).as(created.toString()).isEqualTo("running");
        return created.data().path("id").asText();
    }

    private static String createWithoutWaiting() {
        ApiResponse created = server.admin.post("v1/sandboxes", small());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String id = created.data().path("id").asText();
        made.add(id);
        return id;
    }

    private static Map<String, Object> small() {
        return Map.of("template", "base", "resources", Map.of("memory", "128MB", "disk", "128MB"));
    }

    private static String sandbox(String id) {
        return "v1/sandboxes/" + id;
    }

    private static String status(String id) {
        ApiResponse found = server.admin.get(sandbox(id));
        assertThat(found.status()).as(found.toString()).isEqualTo(200);
        return found.data().path("status").asText();
    }

    private static String processStatus(String id, String processId) {
        for (JsonNode process : server.admin.get(sandbox(id) + "/processes").data()) {
            if (process.path("processId").asText().equals(processId)) {
                return process.path("status").asText();
            }
        }
        return "missing";
    }

    /** How many of the sandbox's processes have a command line matching {@code pattern}. */
    private static int count(String id, String pattern) {
        ApiResponse result = server.admin.post(sandbox(id) + "/exec",
                Map.of("command", "ps -eo args | grep -c '" + pattern + "' || true"));
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return Integer.parseInt(result.data().path("stdout").asText().strip());
    }

    private static Path runtimeDir(String id) {
        return dataDir.resolve("runtime").resolve(id);
    }

    /** The sandbox's own files as the host sees them: its overlay's upper directory. */
    private static Path upper(String id) {
        return runtimeDir(id).resolve("disk/upper");
    }

    /** The agent's temporary files of uploads into /workspace. */
    private static Stream<Path> uploadTemporaries(String id) throws IOException {
        try (var files = Files.list(upper(id).resolve("workspace"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(".corral-upload-")).toList().stream();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    /** A directory of links to every command on this JVM's PATH but {@code missing}, to serve as a PATH. */
    private static Path commandsWithout(String missing, Path bin) throws IOException {
        Files.createDirectories(bin);
        for (String dir : System.getenv("PATH").split(":")) {
            Path path = Path.of(dir);
            if (!Files.isDirectory(path)) {
                continue;
            }
            try (var commands = Files.list(path)) {
                for (Path command : commands.toList()) {
                    Path link = bin.resolve(command.getFileName().toString());
                    if (!command.getFileName().toString().equals(missing) && !Files.exists(link,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, command);
                    }
                }
            }
        }
        return bin;
    }

    /** Writes {@code file} until the disk it is on has no space left. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left");
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s: %s", String.join(" ", command), output).isZero();
    }
}
