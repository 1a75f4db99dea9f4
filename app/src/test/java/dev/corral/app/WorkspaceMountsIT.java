package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Workspaces mounted into real runc sandboxes: sharing, read-only mounts, quotas inside, in-use deletes. */
class WorkspaceMountsIT {
    private static final long MB = 1L << 20;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @Test
    void mount_sameWorkspaceInTwoSandboxes_seesOneAnothersFilesOwnedByRootInside() throws Exception {
        String workspace = workspace("shared");
        String writer = sandbox(admin, mount(workspace, "/data", false));
        String reader = sandbox(admin, mount(workspace, "/mnt/shared", false));

        exec(writer, "mkdir -p /data/out && echo from-writer > /data/out/note");

        ApiResponse read = exec(reader, "cat /mnt/shared/out/note; stat -c %u:%g /mnt/shared/out/note");
        assertThat(read.data().path("stdout").asText()).isEqualTo("from-writer\n0:0\n");
        Path onHost = filesOf(id(workspace)).resolve("out/note");
        assertThat(Files.getAttribute(onHost, "unix:uid")).isEqualTo(100_000);
        HttpRequest.Builder direct = admin.request("v1/workspaces/" + workspace + "/direct?id=/out/note");
        assertThat(new String(admin.sendForBytes(direct.GET()).body())).isEqualTo("from-writer\n");
    }

    @Test
    void get_sandboxWithMounts_showsThemAndWhetherOneIsWritable() {
        String data = workspace("shown");
        String id = sandbox(admin, mount(data, "/data/", true), mount(data, "/backup", false));

        JsonNode sandbox = admin.get("v1/sandboxes/" + id).data();

        assertThat(sandbox.path("mounts")).hasSize(2);
        assertThat(sandbox.path("mounts").get(0).path("workspaceId").asText()).isEqualTo(data);
        assertThat(sandbox.path("mounts").get(0).path("resolvedWorkspaceId").asText()).isEqualTo(id(data));
        assertThat(sandbox.path("mounts").get(0).path("path").asText()).isEqualTo("/data");
        assertThat(sandbox.path("mounts").get(0).path("readOnly").asBoolean()).isTrue();
        assertThat(sandbox.path("hasWritableWorkspaceMount").asBoolean()).isTrue();
    }

    @Test
    void mount_readOnly_refusesWritesInsideButShowsFiles() {
        String workspace = workspace("readonly");
        admin.put("v1/workspaces/" + workspace + "/files/given.txt", Map.of("operation", "write", "contents", "hi"));
        String id = sandbox(admin, mount(workspace, "/data", true));

        ApiResponse write = exec(id, "touch /data/new; echo status=$?; cat /data/given.txt");

        assertThat(write.data().path("stdout").asText()).isEqualTo("status=1\nhi");
        assertThat(write.data().path("stderr").asText()).contains("Read-only file system");
        assertThat(filesOf(id(workspace)).resolve("new")).doesNotExist();
    }

    @Test
    void mount_freeFormId_makesTheWorkspaceOnFirstMountAndFindsItAfter() {
        String name = "project-" + System.nanoTime();
        String first = sandbox(admin, mount(name, "/workspace", false));
        exec(first, "echo remembered > /workspace/state");
        admin.delete("v1/sandboxes/" + first);

        String second = sandbox(admin, mount(name, "/workspace", false));

        assertThat(exec(second, "cat /workspace/state").data().path("stdout").asText()).isEqualTo("remembered\n");
        ApiResponse made = admin.get("v1/workspaces/" + name);
        assertThat(made.status()).isEqualTo(200);
        assertThat(made.data().path("quotaBytes").asLong()).isEqualTo(1L << 30);
        JsonNode shown = admin.get("v1/sandboxes/" + second).data().path("mounts").get(0);
        assertThat(shown.path("workspaceId").asText()).as("the id as given").isEqualTo(name);
        assertThat(shown.path("resolvedWorkspaceId").asText()).isEqualTo(made.data().path("id").asText());
    }

    @Test
    void mount_pastItsQuotaInside_failsWithNoSpaceAndTheHostDiskIsUntouched() {
        String workspace = workspace("small", 8 * MB);
        String id = sandbox(admin, mount(workspace, "/data", false));

        ApiResponse fill = exec(id, "dd if=/dev/zero of=/data/fill bs=1M count=32 2>&1; echo status=$?");

        assertThat(fill.data().path("stdout").asText()).contains("No space left on device").contains("status=1");
        long used = admin.get("v1/workspaces/" + workspace + "/usage").data().path("usedBytes").asLong();
        assertThat(used).isLessThan(12 * MB);
    }

    @Test
    void delete_mountedWorkspace_isInUseUntilItsSandboxesStopOrForced() {
        String workspace = workspace("busy");
        String id = sandbox(admin, mount(workspace, "/data", false));

        ApiResponse refused = admin.delete("v1/workspaces/" + workspace);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error().path("code").asText()).isEqualTo("invalid_state");
        assertThat(refused.error().path("message").asText()).contains(id);
        assertThat(refused.error().path("details").path("mountedBy")).extracting(JsonNode::asText)
                .containsExactly(id);
        assertThat(admin.get("v1/workspaces/" + workspace + "/usage").data().path("sandboxes"))
                .extracting(JsonNode::asText).containsExactly(id);

        admin.delete("v1/sandboxes/" + id);
        assertThat(admin.delete("v1/workspaces/" + workspace).status()).isEqualTo(200);

        String forced = workspace("forced");
        String holder = sandbox(admin, mount(forced, "/data", false));
        assertThat(admin.delete("v1/workspaces/" + forced + "?force=true").status()).isEqualTo(200);
        assertThat(admin.get("v1/workspaces/" + forced).status()).isEqualTo(404);
        assertThat(exec(holder, "echo still-works > /data/x && cat /data/x").data().path("stdout").asText())
                .isEqualTo("still-works\n");
    }

    @Test
    void create_badMounts_namesTheFieldAndMakesNothing() {
        ApiResponse system = admin.post("v1/sandboxes", Map.of("template", "base",
                "mounts", List.of(mount("anything", "/etc", false))));
        assertThat(system.status()).isEqualTo(400);
        assertThat(system.error().path("details").get(0).path("field").asText()).isEqualTo("mounts[0].path");

        ApiResponse unknown = admin.post("v1/sandboxes", Map.of("template", "base",
                "mounts", List.of(mount(java.util.UUID.randomUUID().toString(), "/data", false))));
        assertThat(unknown.status()).isEqualTo(404);

        ApiResponse notASlug = admin.post("v1/sandboxes", Map.of("template", "base",
                "mounts", List.of(mount("Not A Slug!", "/data", false))));
        assertThat(notASlug.status()).isEqualTo(400);
        assertThat(notASlug.error().path("details").get(0).path("field").asText())
                .isEqualTo("mounts[0].workspaceId");
    }

    @Test
    void mount_anotherOrganizationsWorkspace_isNotFoundByIdAndItsSlugNamesAnOwnWorkspace() {
        String theirs = workspace("theirs");
        admin.put("v1/workspaces/" + theirs + "/files/secret", Map.of("operation", "write", "contents", "x"));
        ApiClient other = corral.newOrganization("pro");

        ApiResponse byId = other.post("v1/sandboxes", Map.of("template", "base",
                "mounts", List.of(mount(id(theirs), "/data", false))));
        assertThat(byId.status()).isEqualTo(404);

        String own = sandbox(other, mount(theirs, "/data", false));
        assertThat(exec(other, own, "ls -A /data").data().path("stdout").asText()).isEmpty();
    }

    private static String workspace(String prefix) {
        return workspace(prefix, 64 * MB);
    }

    /** A new workspace's slug. */
    private static String workspace(String prefix, long quotaBytes) {
        String slug = prefix + "-" + System.nanoTime();
        ApiResponse made = admin.post("v1/workspaces", Map.of("name", slug, "slug", slug, "quotaBytes", quotaBytes));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        return slug;
    }

    private static String id(String slug) {
        return admin.get("v1/workspaces/" + slug).data().path("id").asText();
    }

    private static Map<String, Object> mount(String workspace, String path, boolean readOnly) {
        return Map.of("workspaceId", workspace, "path", path, "readOnly", readOnly);
    }

    @SafeVarargs
    private static String sandbox(ApiClient client, Map<String, Object>... mounts) {
        ApiResponse made = client.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB"), "mounts", List.of(mounts)));
        assertThat(made.data().path("status").asText()).as(made.toString()).isEqualTo("running");
        return made.data().path("id").asText();
    }

    private static ApiResponse exec(String sandbox, String command) {
        return exec(admin, sandbox, command);
    }

    private static ApiResponse exec(ApiClient client, String sandbox, String command) {
        ApiResponse result = client.post("v1/sandboxes/" + sandbox + "/exec", Map.of("command", command));
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result;
    }

    private static Path filesOf(String workspaceId) {
        return corral.dataDir.resolve("workspaces").resolve(workspaceId).resolve("files");
    }
}
