package dev.corral.app;

import static dev.corral.app.WorkspaceFilesApi.assertError;
import static dev.corral.app.WorkspaceFilesApi.bytes;
import static dev.corral.app.WorkspaceFilesApi.encode;
import static dev.corral.app.WorkspaceFilesApi.entry;
import static dev.corral.app.WorkspaceFilesApi.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The storage API of workspaces (RunTools §3.2) end to end, over HTTP on a real server whose workspaces are real
 * ext4 volumes: listing, creating, changing, deleting and measuring files, and the answers to malformed calls.
 * Uploads and quotas are in {@link WorkspaceFileTransfersTest}; paths, links and callers that must not reach a file
 * in {@link WorkspaceFilesConfinementTest}.
 */
class WorkspaceFilesTest {
    private static final long GB = 1L << 30;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static final ApiClient admin = corral.admin;

    @RegisterExtension
    final FreshWorkspace workspace = new FreshWorkspace(corral);
    private WorkspaceFilesApi files;

    @BeforeEach
    void takeTheFreshWorkspace() {
        files = workspace.files();
    }

    // Listing

    @Test
    void list_rootAndSubfolder_showsFileAndFolderEntries() {
        files.folder("/src");
        files.folder("/src/components");
        files.file("/src/components/button.ts", "export {}");
        files.file("/src/index.ts", "console.log(1)\n");
        files.file("/readme.md", "hi");

        ApiResponse root = files.list("/");
        ApiResponse src = files.list("/src");

        assertThat(root.status()).isEqualTo(200);
        assertThat(root.data().isArray()).isTrue();
        assertThat(root.data().findValuesAsText("id")).containsExactly("/readme.md", "/src");
        JsonNode readme = entry(root, "readme.md");
        assertThat(fieldNames(readme)).containsExactlyInAnyOrder("id", "value", "type", "date", "size");
        assertThat(readme.path("type").asText()).isEqualTo("file");
        assertThat(readme.path("size").asLong()).isEqualTo(2);
        assertThat(Instant.parse(readme.path("date").asText())).isNotNull();
        JsonNode folder = entry(root, "src");
        assertThat(fieldNames(folder)).containsExactlyInAnyOrder("id", "value", "type", "date", "lazy", "count");
        assertThat(folder.path("type").asText()).isEqualTo("folder");
        assertThat(folder.path("lazy").asBoolean()).isTrue();
        assertThat(folder.path("count").asLong()).isEqualTo(2);
        assertThat(Instant.parse(folder.path("date").asText())).isNotNull();

        assertThat(src.status()).isEqualTo(200);
        assertThat(src.data().findValuesAsText("id")).containsExactly("/src/components", "/src/index.ts");
        assertThat(entry(src, "components").path("count").asLong()).isEqualTo(1);
        assertThat(entry(src, "index.ts").path("size").asLong()).isEqualTo(15);
        assertThat(files.list("/src/components").data().findValuesAsText("id"))
                .containsExactly("/src/components/button.ts");
    }

    @Test
    void list_showHidden_includesDotfilesOnlyWhenTrue() {
        files.file("/.env", "SECRET=1");
        files.folder("/.git");
        files.file("/visible.txt", "v");
        files.folder("/sub");
        files.file("/sub/.hidden", "h");
        files.file("/sub/shown", "s");

        assertThat(files.list("/").data().findValuesAsText("value")).containsExactly("sub", "visible.txt");
        assertThat(files.list("/", "?showHidden=false").data().findValuesAsText("value"))
                .containsExactlyInAnyOrder("visible.txt", "sub");
        assertThat(files.list("/", "?showHidden=true").data().findValuesAsText("value"))
                .containsExactlyInAnyOrder(".env", ".git", "visible.txt", "sub");
        assertThat(files.list("/sub").data().findValuesAsText("value")).containsExactly("shown");
        assertThat(files.list("/sub", "?showHidden=true").data().findValuesAsText("value"))
                .containsExactly(".hidden", "shown");
    }

    @Test
    void list_missingFolderOrAFile_isNotFoundOrInvalid() {
        files.file("/plain.txt", "x");

        assertError(files.list("/nowhere"), 404, "not_found");
        assertError(files.list("/plain.txt"), 400, "validation_failed");
    }

    // Creating

    @Test
    void create_fileWithContentsAndFolders_is201() {
        ApiResponse file = files.createFile("/", "notes.txt", "first line\n");
        ApiResponse folder = files.create("/", "assets", "folder");
        ApiResponse directory = files.create("/", "lib", "directory");
        ApiResponse empty = files.create("/assets", "empty.txt", "file");

        assertThat(file.status()).as(file.toString()).isEqualTo(201);
        assertThat(file.json().path("message").asText()).isEqualTo("Created.");
        assertThat(file.data().path("id").asText()).isEqualTo("/notes.txt");
        assertThat(file.data().path("type").asText()).isEqualTo("file");
        assertThat(file.data().path("size").asLong()).isEqualTo(11);
        assertThat(folder.status()).isEqualTo(201);
        assertThat(folder.data().path("type").asText()).isEqualTo("folder");
        assertThat(folder.data().path("count").asLong()).isZero();
        assertThat(directory.status()).isEqualTo(201);
        assertThat(directory.data().path("type").asText()).isEqualTo("folder");
        assertThat(empty.status()).isEqualTo(201);
        assertThat(empty.data().path("id").asText()).isEqualTo("/assets/empty.txt");
        assertThat(files.readText("/notes.txt")).isEqualTo("first line\n");
        assertThat(files.read("/assets/empty.txt")).isEmpty();
        assertThat(files.names("/")).containsExactly("assets", "lib", "notes.txt");
    }

    @Test
    void create_existingName_isConflictAndKeepsWhatIsThere() {
        files.file("/taken.txt", "original");
        files.folder("/dir");

        assertError(files.createFile("/", "taken.txt", "new"), 409, "conflict");
        assertError(files.create("/", "taken.txt", "folder"), 409, "conflict");
        assertError(files.create("/", "dir", "folder"), 409, "conflict");
        assertError(files.createFile("/", "dir", "x"), 409, "conflict");
        assertThat(files.readText("/taken.txt")).isEqualTo("original");
    }

    @Test
    void create_inMissingFolder_isNotFound() {
        assertError(files.createFile("/missing", "a.txt", "x"), 404, "not_found");
        assertError(files.create("/missing/deeper", "b", "folder"), 404, "not_found");
        assertThat(files.names("/")).isEmpty();
    }

    // Changing

    @Test
    void change_renameFileAndFolder_keepsContents() {
        files.file("/old.txt", "kept");
        files.folder("/olddir");
        files.file("/olddir/inner.txt", "inner");

        ApiResponse file = files.change("/old.txt", Map.of("operation", "rename", "target", "new.txt"));
        ApiResponse folder = files.change("/olddir", Map.of("operation", "rename", "target", "newdir"));

        assertThat(file.status()).as(file.toString()).isEqualTo(200);
        assertThat(file.data().path("id").asText()).isEqualTo("/new.txt");
        assertThat(folder.status()).as(folder.toString()).isEqualTo(200);
        assertThat(folder.data().path("id").asText()).isEqualTo("/newdir");
        assertThat(files.names("/")).containsExactly("new.txt", "newdir");
        assertThat(files.readText("/new.txt")).isEqualTo("kept");
        assertThat(files.readText("/newdir/inner.txt")).isEqualTo("inner");
    }

    @Test
    void change_renameOntoAnExistingName_isConflict() {
        files.file("/a.txt", "a");
        files.file("/b.txt", "b");

        assertError(files.change("/a.txt", Map.of("operation", "rename", "target", "b.txt")), 409, "conflict");
        assertThat(files.readText("/a.txt")).isEqualTo("a");
        assertThat(files.readText("/b.txt")).isEqualTo("b");
    }

    @Test
    void change_moveFileAndFolder_intoTarget() {
        files.file("/a.txt", "a");
        files.folder("/tree");
        files.file("/tree/leaf.txt", "leaf");
        files.folder("/dest");

        ApiResponse file = files.change("/a.txt", Map.of("operation", "move", "target", "/dest"));
        ApiResponse folder = files.change("/tree", Map.of("operation", "move", "target", "/dest"));

        assertThat(file.status()).as(file.toString()).isEqualTo(200);
        assertThat(file.data().path("id").asText()).isEqualTo("/dest/a.txt");
        assertThat(folder.status()).as(folder.toString()).isEqualTo(200);
        assertThat(folder.data().path("id").asText()).isEqualTo("/dest/tree");
        assertThat(files.names("/")).containsExactly("dest");
        assertThat(files.readText("/dest/a.txt")).isEqualTo("a");
        assertThat(files.readText("/dest/tree/leaf.txt")).isEqualTo("leaf");
    }

    @Test
    void change_moveFolderIntoItself_isRefused() {
        files.folder("/loop");
        files.folder("/loop/inner");

        assertError(files.change("/loop", Map.of("operation", "move", "target", "/loop/inner")), 400,
                "validation_failed");
        assertError(files.change("/loop", Map.of("operation", "copy", "target", "/loop")), 400,
                "validation_failed");
        assertThat(files.names("/loop")).containsExactly("inner");
    }

    @Test
    void change_copyFileAndFolder_leavesTheOriginals() {
        files.file("/a.txt", "a");
        files.folder("/tree");
        files.folder("/tree/deep");
        files.file("/tree/deep/leaf.txt", "leaf");
        files.folder("/dest");

        ApiResponse file = files.change("/a.txt", Map.of("operation", "copy", "target", "/dest"));
        ApiResponse folder = files.change("/tree", Map.of("operation", "copy", "target", "/dest"));

        assertThat(file.status()).as(file.toString()).isEqualTo(200);
        assertThat(file.data().path("id").asText()).isEqualTo("/dest/a.txt");
        assertThat(folder.status()).as(folder.toString()).isEqualTo(200);
        assertThat(folder.data().path("id").asText()).isEqualTo("/dest/tree");
        assertThat(folder.data().path("count").asLong()).isEqualTo(1);
        assertThat(files.readText("/a.txt")).isEqualTo("a");
        assertThat(files.readText("/dest/a.txt")).isEqualTo("a");
        assertThat(files.readText("/tree/deep/leaf.txt")).isEqualTo("leaf");
        assertThat(files.readText("/dest/tree/deep/leaf.txt")).isEqualTo("leaf");
        assertError(files.change("/a.txt", Map.of("operation", "copy", "target", "/dest")), 409, "conflict");
    }

    @Test
    void change_writeText_replacesOrCreatesTheFile() {
        files.file("/note.txt", "before");

        ApiResponse replaced = files.change("/note.txt", Map.of("operation", "write", "contents", "after ü"));
        ApiResponse created = files.change("/fresh.txt", Map.of("operation", "WRITE", "contents", ""));

        assertThat(replaced.status()).as(replaced.toString()).isEqualTo(200);
        assertThat(replaced.data().path("size").asLong()).isEqualTo(8);
        assertThat(files.readText("/note.txt")).isEqualTo("after ü");
        assertThat(created.status()).as(created.toString()).isEqualTo(200);
        assertThat(files.read("/fresh.txt")).isEmpty();
        assertError(files.change("/note.txt", Map.of("operation", "write")), 400, "validation_failed");
    }

    @Test
    void change_rawPutOverAFolder_isConflict() {
        files.folder("/dir");
        files.file("/dir/keep.txt", "keep");

        assertError(files.put("/dir", bytes("x")), 409, "conflict");
        assertThat(files.readText("/dir/keep.txt")).isEqualTo("keep");
    }

    @Test
    void batch_copyAndMove_actOnEveryId() {
        files.file("/a.txt", "a");
        files.file("/b.txt", "b");
        files.folder("/tree");
        files.file("/tree/t.txt", "t");
        files.folder("/copies");
        files.folder("/moved");

        ApiResponse copied = admin.put(files.url("files", "/"), Map.of("operation", "copy",
                "ids", List.of("/a.txt", "/tree"), "target", "/copies"));
        ApiResponse moved = admin.put(files.url("files", "/"), Map.of("operation", "move",
                "ids", List.of("/a.txt", "/b.txt", "/tree"), "target", "/moved"));

        assertThat(copied.status()).as(copied.toString()).isEqualTo(200);
        assertThat(copied.data().findValuesAsText("id")).containsExactly("/copies/a.txt", "/copies/tree");
        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.data().findValuesAsText("id")).containsExactly("/moved/a.txt", "/moved/b.txt",
                "/moved/tree");
        assertThat(files.names("/")).containsExactly("copies", "moved");
        assertThat(files.names("/copies")).containsExactly("a.txt", "tree");
        assertThat(files.readText("/copies/tree/t.txt")).isEqualTo("t");
        assertThat(files.readText("/moved/tree/t.txt")).isEqualTo("t");
        assertThat(files.readText("/moved/b.txt")).isEqualTo("b");
    }

    @Test
    void batch_moreThan250Ids_failsValidationAndChangesNothing() {
        files.file("/f.txt", "f");
        files.folder("/dest");
        var ids = new ArrayList<String>();
        ids.add("/f.txt");
        for (int i = 1; i <= 250; i++) {
            ids.add("/missing-" + i);
        }

        ApiResponse copy = admin.put(files.url("files", "/"), Map.of("operation", "copy", "ids", ids,
                "target", "/dest"));
        ApiResponse delete = admin.delete(files.url("files", "/"), Map.of("ids", ids));

        assertError(copy, 400, "validation_failed");
        assertThat(copy.error().path("details").get(0).path("field").asText()).isEqualTo("ids");
        assertError(delete, 400, "validation_failed");
        assertThat(files.names("/dest")).isEmpty();
        assertThat(files.readText("/f.txt")).isEqualTo("f");
    }

    @Test
    void batch_exactly250Ids_isAccepted() {
        files.folder("/dest");
        var ids = new ArrayList<String>();
        for (int i = 0; i < 250; i++) {
            ids.add("/f" + i);
            assertThat(files.put("/f" + i, new byte[] {(byte) i}).status()).isEqualTo(200);
        }
        corral.clock.advance(Duration.ofMinutes(1));

        ApiResponse moved = admin.put(files.url("files", "/"), Map.of("operation", "move", "ids", ids,
                "target", "/dest"));
        ApiResponse deleted = admin.delete(files.url("files", "/"), Map.of("ids",
                ids.stream().map(id -> "/dest" + id).toList()));

        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.data().size()).isEqualTo(250);
        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
        assertThat(files.names("/dest")).isEmpty();
    }

    // Deleting

    @Test
    void delete_byBodyByQueryAndByPath_removesOnlyThose() {
        files.file("/a.txt", "a");
        files.file("/b.txt", "b");
        files.folder("/tree");
        files.folder("/tree/deep");
        files.file("/tree/deep/x.txt", "x");
        files.file("/c.txt", "c");
        files.file("/keep.txt", "keep");

        ApiResponse byBody = admin.delete(files.url("files", "/"), Map.of("ids", List.of("/a.txt", "/tree")));
        ApiResponse byQuery = admin.delete(files.url("files", "/") + "?id=/b.txt");
        ApiResponse byPath = files.delete("/c.txt");

        assertThat(byBody.status()).as(byBody.toString()).isEqualTo(200);
        assertThat(byBody.data().path("deleted").toString()).isEqualTo("[\"/a.txt\",\"/tree\"]");
        assertThat(byQuery.status()).as(byQuery.toString()).isEqualTo(200);
        assertThat(byPath.status()).as(byPath.toString()).isEqualTo(200);
        assertThat(files.names("/")).containsExactly("keep.txt");
        assertError(files.delete("/c.txt"), 404, "not_found");
    }

    @Test
    void delete_theRoot_isRefusedAndKeepsEverything() {
        files.file("/precious.txt", "p");

        assertError(admin.delete(files.url("files", "/") + "?id=/"), 400, "validation_failed");
        assertError(admin.delete(files.url("files", "/"), Map.of("ids", List.of("/"))), 400, "validation_failed");
        assertError(admin.delete(files.url("files", "/"), Map.of("ids", List.of("/./"))), 400,
                "validation_failed");
        assertError(admin.delete(files.url("files", "/") + "?id=" + encode("//")), 400, "validation_failed");
        assertThat(files.names("/")).containsExactly("precious.txt");
        assertThat(files.hostMount(corral.dataDir).resolve("files")).isDirectory();
    }

    // Info

    @Test
    void info_rootFileAndFolder_measureSizesAndStorage() {
        ApiClient free = corral.newOrganization("free");
        WorkspaceFilesApi own = WorkspaceFilesApi.create(free, Map.of());
        own.file("/a.txt", "x".repeat(1500));
        own.folder("/dir");
        assertThat(own.put("/dir/b.bin", new byte[548]).status()).isEqualTo(200);

        ApiResponse root = own.info("/");
        ApiResponse file = own.info("/a.txt");
        ApiResponse folder = own.info("/dir");
        ApiResponse missing = own.info("/nope");

        assertThat(root.status()).as(root.toString()).isEqualTo(200);
        assertThat(root.data().path("size").asLong()).isEqualTo(2048);
        assertThat(root.data().path("count").asLong()).isEqualTo(2);
        assertThat(root.data().path("quotaBytes").asLong()).isEqualTo(GB);
        JsonNode storage = root.data().path("storage");
        assertThat(storage.path("allocatedBytes").asLong()).isEqualTo(GB);
        assertThat(storage.path("quotaBytes").asLong()).isEqualTo(10 * GB);
        assertThat(file.status()).as(file.toString()).isEqualTo(200);
        assertThat(file.data().path("id").asText()).isEqualTo("/a.txt");
        assertThat(file.data().path("type").asText()).isEqualTo("file");
        assertThat(file.data().path("size").asLong()).isEqualTo(1500);
        assertThat(file.data().path("count").asLong()).isEqualTo(1);
        assertThat(folder.status()).as(folder.toString()).isEqualTo(200);
        assertThat(folder.data().path("type").asText()).isEqualTo("folder");
        assertThat(folder.data().path("size").asLong()).isEqualTo(548);
        assertThat(folder.data().path("count").asLong()).isEqualTo(1);
        assertError(missing, 404, "not_found");
    }

    @Test
    void info_onTheEnterpriseOrganization_givesItsConfiguredStorage() {
        ApiResponse root = files.info("/");

        assertThat(root.status()).as(root.toString()).isEqualTo(200);
        assertThat(root.data().path("size").asLong()).isZero();
        assertThat(root.data().path("count").asLong()).isZero();
        assertThat(root.data().path("storage").path("quotaBytes").asLong()).isEqualTo(1024 * GB);
    }

    // Malformed requests

    @Test
    void malformedRequests_areAnsweredInTheEnvelope() {
        files.file("/a.txt", "a");
        String filesUrl = files.url("files", "/");

        var responses = new LinkedHashMap<String, ApiResponse>();
        responses.put("bad JSON", admin.post(filesUrl, "{\"name\": \"x\", "));
        responses.put("bad JSON on change", admin.put(files.url("files", "/a.txt"), "{operation"));
        responses.put("wrong field type", admin.post(filesUrl, "{\"name\": [1], \"type\": \"file\"}"));
        responses.put("unknown type", files.create("/", "x", "socket"));
        responses.put("missing name", admin.post(filesUrl, Map.of("type", "file")));
        responses.put("contents on a folder", admin.post(filesUrl, Map.of("name", "f", "type", "folder",
                "contents", "x")));
        responses.put("unknown operation", files.change("/a.txt", Map.of("operation", "explode")));
        responses.put("missing operation", files.change("/a.txt", Map.of("target", "/")));
        responses.put("move without target", files.change("/a.txt", Map.of("operation", "move")));
        responses.put("rename without target", files.change("/a.txt", Map.of("operation", "rename")));
        responses.put("batch without target", admin.put(filesUrl, Map.of("operation", "copy",
                "ids", List.of("/a.txt"))));
        responses.put("batch without ids", admin.put(filesUrl, Map.of("operation", "copy", "target", "/")));
        responses.put("batch rename", admin.put(filesUrl, Map.of("operation", "rename", "ids", List.of("/a.txt"),
                "target", "/")));
        responses.put("batch empty ids", admin.put(filesUrl, Map.of("operation", "move", "ids", List.of(),
                "target", "/")));
        responses.put("delete without ids", admin.delete(filesUrl, Map.of()));
        responses.put("delete blank id", admin.delete(filesUrl + "?id="));
        responses.put("showHidden not a flag", files.list("/", "?showHidden=yes"));
        responses.put("download not a flag", envelope(admin.sendForBytes(admin.request(
                files.directUrl("/a.txt", "&download=maybe")).GET())));
        responses.put("upload without files", files.upload("/", new MultipartBody().field("name", "x")));
        responses.put("not multipart", admin.send(admin.request(files.url("upload", "/"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofString("x"))));
        responses.put("not JSON", admin.send(admin.request(filesUrl).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("name=x"))));
        responses.put("broken multipart", admin.send(admin.request(files.url("upload", "/"))
                .header("Content-Type", "multipart/form-data; boundary=nope")
                .POST(HttpRequest.BodyPublishers.ofString("--other\r\ngarbage"))));

        responses.forEach((what, response) -> {
            assertThat(response.status()).as(what + ": " + response).isIn(400, 415);
            assertThat(response.error().path("code").asText()).as(what + ": " + response)
                    .isIn("bad_request", "validation_failed", "unsupported_media_type");
            assertThat(response.error().path("message").asText()).as(what).isNotBlank();
            assertThat(response.error().path("requestId").asText()).as(what).startsWith("req_");
            assertThat(response.raw()).as(what).doesNotContain("Exception", "\tat ", "dev.corral.");
        });
        assertThat(responses.get("bad JSON").error().path("code").asText()).isEqualTo("validation_failed");
        assertThat(responses.get("unknown operation").error().path("details").get(0).path("field").asText())
                .isEqualTo("operation");
        assertThat(responses.get("move without target").error().path("details").get(0).path("field").asText())
                .isEqualTo("target");
        assertThat(responses.get("batch without target").error().path("details").get(0).path("field").asText())
                .isEqualTo("target");
        assertThat(responses.get("not multipart").status()).isEqualTo(415);
        assertThat(responses.get("not multipart").error().path("code").asText()).isEqualTo("unsupported_media_type");
        assertThat(responses.get("not JSON").status()).isEqualTo(415);
        assertThat(files.names("/")).containsExactly("a.txt");
        assertThat(files.staging(corral.dataDir)).isEmptyDirectory();
    }

    @Test
    void unknownWorkspace_isNotFound() {
        WorkspaceFilesApi nowhere = files.named(UUID.randomUUID().toString());

        assertError(nowhere.list("/"), 404, "not_found");
        assertError(nowhere.named("no-such-slug").info("/"), 404, "not_found");
        assertError(nowhere.put("/a.txt", bytes("a")), 404, "not_found");
    }

    // Helpers

    private static List<String> fieldNames(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
