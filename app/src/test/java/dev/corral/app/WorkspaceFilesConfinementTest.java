package dev.corral.app;

import static dev.corral.app.WorkspaceFilesApi.assertError;
import static dev.corral.app.WorkspaceFilesApi.bytes;
import static dev.corral.app.WorkspaceFilesApi.encode;
import static dev.corral.app.WorkspaceFilesApi.entry;
import static dev.corral.app.WorkspaceFilesApi.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the storage API must never reach, end to end: paths that climb out with {@code ..} (plain or encoded),
 * links and FIFOs a sandbox could plant (planted here in the host tree directly, as no sandbox is made), another
 * organization's workspaces, and calls without the scope for them.
 */
class WorkspaceFilesConfinementTest {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @TempDir
    Path temp;

    @RegisterExtension
    final FreshWorkspace workspace = new FreshWorkspace(corral);
    private WorkspaceFilesApi files;

    @BeforeEach
    void takeTheFreshWorkspace() {
        files = workspace.files();
    }

    // Traversal and links

    @Test
    void anyPath_climbingOutByDotDot_isRefusedAndTouchesNothingOutside() throws IOException {
        Path mount = files.hostMount(corral.dataDir);
        Path beside = Files.writeString(mount.resolve("beside.txt"), "beside");
        files.folder("/sub");
        files.file("/sub/in.txt", "in");

        var refused = new LinkedHashMap<String, ApiResponse>();
        refused.put("literal dot-dot in the path", admin.send(files.verbatim("files/sub/../../beside.txt")
                .DELETE()));
        refused.put("encoded dot-dot in the path", admin.send(files.verbatim("files/%2e%2e/beside.txt")
                .DELETE()));
        refused.put("encoded dot-dot listing", admin.send(files.verbatim("files/sub/%2E%2E/%2e%2e").GET()));
        refused.put("encoded dot-dot raw write", admin.send(files.verbatim("files/%2e%2e/beside.txt")
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofString("x"))));
        refused.put("encoded dot-dot info", admin.send(files.verbatim("info/%2e%2e").GET()));
        refused.put("encoded dot-dot upload", admin.send(files.verbatim("upload/%2e%2e")
                .header("Content-Type", new MultipartBody().contentType()).POST(HttpRequest.BodyPublishers
                        .noBody())));
        refused.put("delete ?id=", admin.delete(files.url("files", "/") + "?id=" + encode("/../beside.txt")));
        refused.put("delete ids", admin.delete(files.url("files", "/"), Map.of("ids", List.of("../beside.txt"))));
        refused.put("direct ?id=", envelope(files.direct("/sub/../../beside.txt")));
        refused.put("direct ?id= encoded twice", envelope(admin.sendForBytes(admin.request(
                "v1/workspaces/" + files.workspace() + "/direct?id=%2e%2e%2fbeside.txt").GET())));
        refused.put("create name", files.createFile("/", "..", "x"));
        refused.put("create name with slash", files.createFile("/", "../beside.txt", "x"));
        refused.put("rename target", files.change("/sub/in.txt", Map.of("operation", "rename",
                "target", "../../beside.txt")));
        refused.put("move target", files.change("/sub/in.txt", Map.of("operation", "move", "target", "/..")));
        refused.put("copy target", files.change("/sub/in.txt", Map.of("operation", "copy", "target", "../..")));
        refused.put("batch ids", admin.put(files.url("files", "/"), Map.of("operation", "copy",
                "ids", List.of("/../beside.txt"), "target", "/sub")));
        refused.put("upload ?id=", files.uploadTo(files.url("upload", "/") + "?id=" + encode("/.."),
                new MultipartBody().file("file", "beside.txt", bytes("x"))));
        refused.put("upload file name", files.upload("/", new MultipartBody()
                .file("file", "../beside.txt", bytes("x"))));
        refused.put("upload name field", files.upload("/sub", new MultipartBody()
                .field("name", "../../beside.txt").file("file", "ok.txt", bytes("x"))));

        refused.forEach((how, response) -> assertError(response, 400, "validation_failed", how));
        assertThat(refused.get("upload file name").error().path("details").get(0).path("field").asText())
                .isEqualTo("file");
        assertThat(refused.get("upload name field").error().path("details").get(0).path("field").asText())
                .isEqualTo("name");
        assertThat(beside).hasContent("beside");
        assertThat(files.names("/")).containsExactly("sub");
        assertThat(files.names("/sub")).containsExactly("in.txt");
        assertThat(files.readText("/sub/in.txt")).isEqualTo("in");
    }

    @Test
    void symlinks_plantedInTheTree_areListedButNeverFollowed() throws IOException {
        Path outside = Files.writeString(temp.resolve("outside.txt"), "outside");
        Path tree = files.hostMount(corral.dataDir).resolve("files");
        Files.createSymbolicLink(tree.resolve("to-root"), Path.of("/"));
        Files.createSymbolicLink(tree.resolve("to-file"), outside);
        Files.createSymbolicLink(tree.resolve("to-folder"), temp);

        ApiResponse listing = files.list("/");

        assertThat(listing.status()).isEqualTo(200);
        assertThat(entry(listing, "to-root").path("type").asText()).isEqualTo("symlink");
        assertThat(entry(listing, "to-file").path("type").asText()).isEqualTo("symlink");
        assertThat(entry(listing, "to-file").path("size").asLong()).isZero();
        assertError(envelope(files.direct("/to-file")), 400, "validation_failed");
        assertError(envelope(files.direct("/to-root/etc/hostname")), 404, "not_found");
        assertError(files.list("/to-root"), 404, "not_found");
        assertError(files.list("/to-root/etc"), 404, "not_found");
        assertError(files.list("/to-folder"), 404, "not_found");
        assertError(files.info("/to-folder/outside.txt"), 404, "not_found");
        assertError(files.createFile("/to-folder", "planted.txt", "x"), 404, "not_found");
        assertError(files.create("/to-root/tmp", "planted", "folder"), 404, "not_found");
        assertError(files.put("/to-folder/outside.txt", bytes("overwritten")), 404, "not_found");
        assertError(files.change("/to-folder/outside.txt", Map.of("operation", "write", "contents", "x")), 404,
                "not_found");
        assertError(files.upload("/to-folder", new MultipartBody().file("file", "outside.txt", bytes("x"))), 404,
                "not_found");
        assertError(files.uploadTo(files.url("upload", "/") + "?id=/to-folder",
                new MultipartBody().file("file", "outside.txt", bytes("x"))), 404, "not_found");
        assertError(admin.delete(files.url("files", "/") + "?id=/to-folder/outside.txt"), 404, "not_found");
        assertError(files.change("/to-folder/outside.txt", Map.of("operation", "move", "target", "/")), 404,
                "not_found");
        assertThat(outside).hasContent("outside");
        assertThat(temp).isDirectoryContaining(path -> path.getFileName().toString().equals("outside.txt"));
        assertThat(temp.resolve("planted.txt")).doesNotExist();
        assertThat(Path.of("/tmp/planted")).doesNotExist();
    }

    @Test
    void symlinks_copiedMovedOrMeasured_areNeverFollowed() throws IOException {
        Path outside = Files.writeString(temp.resolve("outside.txt"), "outside");
        files.folder("/dir");
        files.file("/dir/real.txt", "real");
        Path tree = files.hostMount(corral.dataDir).resolve("files");
        Files.createSymbolicLink(tree.resolve("dir/inner-link"), outside);
        Files.createSymbolicLink(tree.resolve("dir/root-link"), Path.of("/"));
        files.folder("/dest");

        ApiResponse copied = files.change("/dir", Map.of("operation", "copy", "target", "/dest"));
        ApiResponse linkCopy = files.change("/dir/inner-link", Map.of("operation", "copy", "target", "/dest"));
        ApiResponse measured = files.info("/dir");

        assertThat(copied.status()).as(copied.toString()).isEqualTo(200);
        assertThat(files.names("/dest/dir")).containsExactly("real.txt");
        assertThat(files.readText("/dest/dir/real.txt")).isEqualTo("real");
        assertError(linkCopy, 400, "validation_failed");
        assertThat(measured.data().path("size").asLong()).isEqualTo(4);
        assertThat(measured.data().path("count").asLong()).isEqualTo(1);
        ApiResponse renamed = files.change("/dir/inner-link", Map.of("operation", "rename", "target", "renamed"));
        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        assertThat(Files.readSymbolicLink(tree.resolve("dir/renamed"))).isEqualTo(outside);
        assertThat(outside).hasContent("outside");
    }

    @Test
    void symlinks_writtenOverOrDeleted_affectOnlyTheLink() throws IOException {
        Path outside = Files.writeString(temp.resolve("outside.txt"), "outside");
        Path tree = files.hostMount(corral.dataDir).resolve("files");
        Files.createSymbolicLink(tree.resolve("raw-link"), outside);
        Files.createSymbolicLink(tree.resolve("text-link"), outside);
        Files.createSymbolicLink(tree.resolve("root-link"), Path.of("/"));
        Files.createSymbolicLink(tree.resolve("folder-link"), temp);
        Files.createSymbolicLink(tree.resolve("gone-link"), outside);

        ApiResponse raw = files.put("/raw-link", bytes("raw"));
        ApiResponse text = files.change("/text-link", Map.of("operation", "write", "contents", "text"));
        ApiResponse deleteRoot = files.delete("/root-link");
        ApiResponse deleteFolder = admin.delete(files.url("files", "/") + "?id=/folder-link");
        ApiResponse deleteFile = admin.delete(files.url("files", "/"), Map.of("ids", List.of("/gone-link")));

        assertThat(raw.status()).as(raw.toString()).isEqualTo(200);
        assertThat(raw.data().path("type").asText()).isEqualTo("file");
        assertThat(text.status()).as(text.toString()).isEqualTo(200);
        assertThat(files.readText("/raw-link")).isEqualTo("raw");
        assertThat(files.readText("/text-link")).isEqualTo("text");
        assertThat(deleteRoot.status()).as(deleteRoot.toString()).isEqualTo(200);
        assertThat(deleteFolder.status()).as(deleteFolder.toString()).isEqualTo(200);
        assertThat(deleteFile.status()).as(deleteFile.toString()).isEqualTo(200);
        assertThat(files.names("/")).containsExactly("raw-link", "text-link");
        assertThat(outside).hasContent("outside");
        assertThat(temp.resolve("outside.txt")).exists();
        assertThat(Path.of("/etc/hostname")).exists();
    }

    @Test
    void fifo_plantedInTheTree_isListedButNeverOpened() throws Exception {
        Path tree = files.hostMount(corral.dataDir).resolve("files");
        files.folder("/dir");
        files.file("/dir/real.txt", "real");
        assertThat(new ProcessBuilder("mkfifo", tree.resolve("dir/pipe").toString()).start().waitFor()).isZero();

        ApiResponse listing = files.list("/dir");

        assertThat(entry(listing, "pipe").path("type").asText()).isEqualTo("other");
        assertError(files.list("/dir/pipe"), 404, "not_found");
        assertError(files.createFile("/dir/pipe", "x", "x"), 404, "not_found");
        assertError(envelope(files.direct("/dir/pipe")), 400, "validation_failed");
        files.folder("/dest");
        assertThat(files.change("/dir", Map.of("operation", "copy", "target", "/dest")).status()).isEqualTo(200);
        assertThat(files.names("/dest/dir")).containsExactly("real.txt");
        assertThat(files.delete("/dest").status()).isEqualTo(200);
        assertThat(files.change("/dir", Map.of("operation", "rename", "target", "moved")).status()).isEqualTo(200);
        assertThat(files.info("/moved").data().path("count").asLong()).isEqualTo(1);
        assertThat(files.delete("/moved").status()).isEqualTo(200);
        assertThat(files.names("/")).isEmpty();
    }

    // Who may call

    @Test
    void everyRoute_onAnotherOrganizationsWorkspace_isNotFound() {
        String slug = "private-" + System.nanoTime();
        WorkspaceFilesApi mine = WorkspaceFilesApi.create(admin, Map.of("slug", slug));
        mine.folder("/sub");
        mine.file("/a.txt", "mine");
        ApiClient other = corral.newOrganization("team");

        for (WorkspaceFilesApi theirs : List.of(mine.as(other), mine.as(other).named(slug))) {
            var responses = new LinkedHashMap<String, ApiResponse>();
            responses.put("list", theirs.list("/"));
            responses.put("list folder", theirs.list("/sub"));
            responses.put("create", theirs.createFile("/", "x.txt", "x"));
            responses.put("create in folder", theirs.create("/sub", "x", "folder"));
            responses.put("batch", other.put(theirs.url("files", "/"), Map.of("operation", "copy",
                    "ids", List.of("/a.txt"), "target", "/sub")));
            responses.put("write", theirs.change("/a.txt", Map.of("operation", "write", "contents", "theirs")));
            responses.put("raw write", theirs.put("/a.txt", bytes("theirs")));
            responses.put("rename", theirs.change("/a.txt", Map.of("operation", "rename", "target", "b.txt")));
            responses.put("delete body", other.delete(theirs.url("files", "/"), Map.of("ids", List.of("/a.txt"))));
            responses.put("delete query", other.delete(theirs.url("files", "/") + "?id=/a.txt"));
            responses.put("delete path", theirs.delete("/a.txt"));
            responses.put("upload", theirs.upload("/", new MultipartBody().file("file", "u.txt", bytes("u"))));
            responses.put("upload folder", theirs.upload("/sub", new MultipartBody().file("file", "u", bytes("u"))));
            responses.put("upload ?id=", theirs.uploadTo(theirs.url("upload", "/") + "?id=/sub",
                    new MultipartBody().file("file", "u.txt", bytes("u"))));
            responses.put("info", theirs.info("/"));
            responses.put("info path", theirs.info("/a.txt"));
            responses.put("direct", envelope(theirs.direct("/a.txt")));

            responses.forEach((route, response) -> assertError(response, 404, "not_found", theirs.workspace()
                    + " " + route));
        }
        assertThat(mine.names("/")).containsExactly("a.txt", "sub");
        assertThat(mine.names("/sub")).isEmpty();
        assertThat(mine.readText("/a.txt")).isEqualTo("mine");
    }

    @Test
    void writeRoutes_withAReadOnlyKey_areForbidden() {
        files.file("/a.txt", "a");
        files.folder("/sub");
        WorkspaceFilesApi reader = files.as(admin.withKey(corral.newKey(admin, "files:read")));
        ApiClient client = reader.client();

        assertThat(reader.list("/").status()).isEqualTo(200);
        assertThat(reader.info("/a.txt").status()).isEqualTo(200);
        assertThat(reader.readText("/a.txt")).isEqualTo("a");
        var responses = new LinkedHashMap<String, ApiResponse>();
        responses.put("create", reader.createFile("/", "x.txt", "x"));
        responses.put("write", reader.change("/a.txt", Map.of("operation", "write", "contents", "w")));
        responses.put("raw write", reader.put("/a.txt", bytes("w")));
        responses.put("batch", client.put(reader.url("files", "/"), Map.of("operation", "move",
                "ids", List.of("/a.txt"), "target", "/sub")));
        responses.put("delete", reader.delete("/a.txt"));
        responses.put("delete body", client.delete(reader.url("files", "/"), Map.of("ids", List.of("/a.txt"))));
        responses.put("upload", reader.upload("/", new MultipartBody().file("file", "u.txt", bytes("u"))));
        responses.forEach((route, response) -> assertError(response, 403, "forbidden", route));
        assertThat(files.names("/")).containsExactly("a.txt", "sub");
        assertThat(files.readText("/a.txt")).isEqualTo("a");
    }

    @Test
    void everyRoute_withAKeyWithoutFileScopes_isForbidden() {
        files.file("/a.txt", "a");
        WorkspaceFilesApi stranger = files.as(admin.withKey(corral.newKey(admin, "sandbox:*")));

        assertError(stranger.list("/"), 403, "forbidden");
        assertError(stranger.info("/"), 403, "forbidden");
        assertError(envelope(stranger.direct("/a.txt")), 403, "forbidden");
        assertError(stranger.createFile("/", "x.txt", "x"), 403, "forbidden");
        assertError(stranger.put("/a.txt", bytes("w")), 403, "forbidden");
        assertError(stranger.upload("/", new MultipartBody().file("file", "u.txt", bytes("u"))), 403, "forbidden");
        assertError(stranger.delete("/a.txt"), 403, "forbidden");
        assertThat(files.readText("/a.txt")).isEqualTo("a");
    }

    @Test
    void everyRoute_withAWriteOrWildcardScope_isAllowed() {
        WorkspaceFilesApi writer = files.as(admin.withKey(corral.newKey(admin, "files:read", "files:write")));
        WorkspaceFilesApi wildcard = files.as(admin.withKey(corral.newKey(admin, "files:*")));

        assertThat(writer.createFile("/", "w.txt", "w").status()).isEqualTo(201);
        assertThat(wildcard.createFile("/", "s.txt", "s").status()).isEqualTo(201);
        assertThat(wildcard.readText("/w.txt")).isEqualTo("w");
        assertThat(wildcard.delete("/w.txt").status()).isEqualTo(200);
    }
}
