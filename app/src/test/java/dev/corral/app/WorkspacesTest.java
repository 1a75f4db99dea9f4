package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WorkspacesTest {
    private static final long GB = 1L << 30;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @Test
    void create_nameOnly_makesSlugAndTheDefaultQuota() {
        ApiResponse made = admin.post("v1/workspaces", Map.of("name", "Shared Data " + suffix()));

        assertThat(made.status()).isEqualTo(201);
        JsonNode workspace = made.data();
        assertThat(workspace.path("slug").asText()).matches("shared-data-[0-9]+");
        assertThat(workspace.path("sizeBytes").asLong()).isZero();
        assertThat(workspace.path("quotaBytes").asLong()).isEqualTo(GB);
        assertThat(workspace.path("isPersonal").asBoolean()).isFalse();
        assertThat(workspace.path("createdAt").asText()).isEqualTo(workspace.path("updatedAt").asText());
    }

    @Test
    void create_onFreeTier_quotasAddUpToThePlansStorageAtMost() {
        ApiClient free = corral.newOrganization("free");

        ApiResponse first = free.post("v1/workspaces", Map.of("name", "small"));
        ApiResponse second = free.post("v1/workspaces", Map.of("name", "big", "quotaBytes", 9 * GB));
        ApiResponse third = free.post("v1/workspaces", Map.of("name", "more"));

        assertThat(first.data().path("quotaBytes").asLong()).isEqualTo(GB);
        assertThat(second.status()).isEqualTo(201);
        assertThat(third.status()).isEqualTo(403);
        assertThat(third.error().path("code").asText()).isEqualTo("quota_exceeded");
        assertThat(free.delete("v1/workspaces/big").status()).isEqualTo(200);
        assertThat(free.post("v1/workspaces", Map.of("name", "more")).status()).isEqualTo(201);
    }

    @Test
    void get_byIdOrSlug_returnsSameWorkspace() {
        String slug = "lookup-" + suffix();
        String id = admin.post("v1/workspaces", Map.of("name", "Lookup", "slug", slug)).data().path("id").asText();

        ApiResponse byId = admin.get("v1/workspaces/" + id);
        ApiResponse bySlug = admin.get("v1/workspaces/" + slug);

        assertThat(byId.status()).isEqualTo(200);
        assertThat(bySlug.status()).isEqualTo(200);
        assertThat(bySlug.data().path("id").asText()).isEqualTo(id);
        assertThat(byId.data().path("slug").asText()).isEqualTo(slug);
    }

    @Test
    void update_nameAndQuota_areReplaced() {
        String id = admin.post("v1/workspaces", Map.of("name", "before-" + suffix())).data().path("id").asText();
        corral.clock.advance(java.time.Duration.ofSeconds(5));

        ApiResponse updated = admin.patch("v1/workspaces/" + id, Map.of("name", "after", "quotaBytes", GB));

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.data().path("name").asText()).isEqualTo("after");
        assertThat(updated.data().path("quotaBytes").asLong()).isEqualTo(GB);
        assertThat(updated.data().path("updatedAt").asText()).isNotEqualTo(updated.data().path("createdAt").asText());
        assertThat(admin.get("v1/workspaces/" + id).data().path("name").asText()).isEqualTo("after");
    }

    @Test
    void list_manyPages_returnsEveryWorkspaceOnce() {
        ApiClient team = corral.newOrganization("pro");
        var made = new HashSet<String>();
        for (int i = 0; i < 7; i++) {
            made.add(team.post("v1/workspaces", Map.of("name", "w" + i)).data().path("id").asText());
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            ApiResponse page = team.get("v1/workspaces?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).isEqualTo(200);
            page.data().forEach(workspace -> seen.add(workspace.path("id").asText()));
            cursor = page.json().path("hasMore").asBoolean() ? page.json().path("nextCursor").asText() : null;
        } while (cursor != null);

        assertThat(seen).hasSize(7).containsExactlyInAnyOrderElementsOf(made);
    }

    @Test
    void create_invalidFields_failsNamingTheField() {
        Map<String, Map<String, Object>> cases = Map.of(
                "name", Map.of("name", " "),
                "slug", Map.of("name", "ok", "slug", "Not A Slug"),
                "quotaBytes", Map.of("name", "ok", "quotaBytes", 0));
        cases.forEach((field, body) -> {
            ApiResponse response = admin.post("v1/workspaces", body);

            assertThat(response.status()).as(field).isEqualTo(400);
            assertThat(response.error().path("code").asText()).isEqualTo("validation_failed");
            assertThat(response.error().path("details").get(0).path("field").asText()).isEqualTo(field);
        });
    }

    @Test
    void create_nameTooLong_failsValidation() {
        ApiResponse response = admin.post("v1/workspaces", Map.of("name", "x".repeat(101)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.error().path("details").get(0).path("field").asText()).isEqualTo("name");
    }

    @Test
    void create_quotaAbovePlanStorage_failsQuotaExceeded() {
        ApiClient team = corral.newOrganization("free");

        ApiResponse response = team.post("v1/workspaces", Map.of("name", "huge", "quotaBytes", 11 * GB));

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.error().path("code").asText()).isEqualTo("quota_exceeded");
    }

    @Test
    void create_duplicateSlug_failsConflict() {
        String slug = "dup-" + suffix();
        admin.post("v1/workspaces", Map.of("name", "first", "slug", slug));

        ApiResponse again = admin.post("v1/workspaces", Map.of("name", "second", "slug", slug));

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.error().path("code").asText()).isEqualTo("conflict");
    }

    @Test
    void anyCall_otherOrganizationsWorkspace_isNotFound() {
        String slug = "private-" + suffix();
        String id = admin.post("v1/workspaces", Map.of("name", "private", "slug", slug)).data().path("id").asText();
        ApiClient other = corral.newOrganization("team");

        assertThat(other.get("v1/workspaces/" + id).status()).isEqualTo(404);
        assertThat(other.get("v1/workspaces/" + slug).status()).isEqualTo(404);
        assertThat(other.get("v1/workspaces/" + id + "/usage").status()).isEqualTo(404);
        assertThat(other.patch("v1/workspaces/" + id, Map.of("name", "mine")).status()).isEqualTo(404);
        assertThat(other.delete("v1/workspaces/" + id).status()).isEqualTo(404);
        assertThat(admin.get("v1/workspaces/" + id).data().path("name").asText()).isEqualTo("private");
    }

    @Test
    void create_newWorkspace_makesDirectoryOwnedBySandboxRoot() throws IOException {
        String id = admin.post("v1/workspaces", Map.of("name", "dir-" + suffix())).data().path("id").asText();

        Path directory = directoryOf(id);
        assertThat(directory).isDirectory();
        assertThat(Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100_000);
        assertThat(Files.getAttribute(directory, "unix:gid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(100_000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwxr-xr-x");
    }

    @Test
    void usage_filesWritten_countsBytesAndFiles() throws IOException {
        String id = admin.post("v1/workspaces", Map.of("name", "usage-" + suffix(), "quotaBytes", GB))
                .data().path("id").asText();
        Path directory = directoryOf(id);
        Files.write(directory.resolve("a.txt"), new byte[1500]);
        Files.createDirectories(directory.resolve("nested"));
        Files.write(directory.resolve("nested/b.bin"), new byte[548]);

        ApiResponse usage = admin.get("v1/workspaces/" + id + "/usage");

        assertThat(usage.status()).isEqualTo(200);
        assertThat(usage.data().path("workspaceId").asText()).isEqualTo(id);
        assertThat(usage.data().path("usedBytes").asLong()).isEqualTo(2048);
        assertThat(usage.data().path("files").asLong()).isEqualTo(2);
        assertThat(usage.data().path("quotaBytes").asLong()).isEqualTo(GB);
        assertThat(admin.get("v1/workspaces/" + id).data().path("sizeBytes").asLong()).isEqualTo(2048);
    }

    @Test
    void delete_workspaceWithFiles_removesRecordAndDirectory() throws IOException {
        String slug = "gone-" + suffix();
        String id = admin.post("v1/workspaces", Map.of("name", "gone", "slug", slug)).data().path("id").asText();
        Files.write(directoryOf(id).resolve("file"), new byte[10]);

        ApiResponse deleted = admin.delete("v1/workspaces/" + slug);

        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.data().path("id").asText()).isEqualTo(id);
        assertThat(directoryOf(id).getParent()).doesNotExist();
        assertThat(admin.get("v1/workspaces/" + id).status()).isEqualTo(404);
        assertThat(admin.post("v1/workspaces", Map.of("name", "again", "slug", slug)).status()).isEqualTo(201);
    }

    @Test
    void anyCall_withoutFileScopes_isForbidden() {
        ApiClient reader = admin.withKey(corral.newKey(admin, "files:read"));
        ApiClient noFiles = admin.withKey(corral.newKey(admin, "sandbox:read"));

        assertThat(reader.get("v1/workspaces").status()).isEqualTo(200);
        assertThat(reader.post("v1/workspaces", Map.of("name", "no")).status()).isEqualTo(403);
        assertThat(noFiles.get("v1/workspaces").status()).isEqualTo(403);
    }

    @Test
    void get_unknownIdOrSlug_isNotFound() {
        var responses = new HashMap<String, ApiResponse>();
        responses.put("uuid", admin.get("v1/workspaces/" + java.util.UUID.randomUUID()));
        responses.put("slug", admin.get("v1/workspaces/no-such-workspace"));

        responses.forEach((kind, response) -> {
            assertThat(response.status()).as(kind).isEqualTo(404);
            assertThat(response.error().path("code").asText()).isEqualTo("not_found");
        });
    }

    private static Path directoryOf(String id) {
        return corral.dataDir.resolve("workspaces").resolve(id).resolve("files");
    }

    private static String suffix() {
        return Long.toString(System.nanoTime());
    }
}
