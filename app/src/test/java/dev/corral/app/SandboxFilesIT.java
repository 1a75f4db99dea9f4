package dev.corral.app;

import static dev.corral.app.FilesApi.assertError;
import static dev.corral.app.FilesApi.envelope;
import static dev.corral.app.FilesApi.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sandbox files API end to end on a real runc sandbox: contents byte-exact, metadata, and clear errors. */
class SandboxFilesIT {
    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    static final ApiClient admin = corral.admin;
    static FilesApi files;

    @BeforeAll
    static void start() {
        files = FilesApi.create(admin, "512MB");
    }

    @Test
    void writeThenRead_emptyTextAndEveryByteValue_areByteExact() {
        byte[] everyByte = new byte[256 * 4];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = (byte) i;
        }

        files.write("/tmp/empty", new byte[0]);
        files.write("/tmp/text.txt", "héllo\nwörld\r\n".getBytes(StandardCharsets.UTF_8));
        JsonNode written = files.write("/tmp/bytes.bin", everyByte);

        assertThat(files.read("/tmp/empty")).isEmpty();
        assertThat(files.readText("/tmp/text.txt")).isEqualTo("héllo\nwörld\r\n");
        assertThat(files.read("/tmp/bytes.bin")).isEqualTo(everyByte);
        assertThat(written.path("path").asText()).isEqualTo("/tmp/bytes.bin");
        assertThat(written.path("name").asText()).isEqualTo("bytes.bin");
        assertThat(written.path("type").asText()).isEqualTo("file");
        assertThat(written.path("size").asLong()).isEqualTo(1024);
        assertThat(written.path("mode").asText()).isEqualTo("0644");
        assertThat(written.path("modifiedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(files.execOut("sha256sum < /tmp/bytes.bin")).startsWith(sha256(everyByte));
    }

    @Test
    void writeThenRead_fiftyMegabytes_areByteExact() {
        byte[] big = new byte[50 << 20];
        new Random(7).nextBytes(big);

        files.write("/workspace/big.bin", big);
        byte[] back = files.read("/workspace/big.bin");

        assertThat(back.length).isEqualTo(big.length);
        assertThat(sha256(back)).isEqualTo(sha256(big));
        assertThat(files.execOut("sha256sum /workspace/big.bin; rm /workspace/big.bin")).startsWith(sha256(big));
    }

    @Test
    void read_withARange_answersThosePartsWith206() {
        files.write("/tmp/digits", "0123456789".getBytes(StandardCharsets.UTF_8));

        HttpResponse<byte[]> middle = files.get("/tmp/digits", "bytes=2-5");
        HttpResponse<byte[]> suffix = files.get("/tmp/digits", "bytes=-3");
        HttpResponse<byte[]> open = files.get("/tmp/digits", "bytes=7-");
        HttpResponse<byte[]> pastTheEnd = files.get("/tmp/digits", "bytes=8-100");
        HttpResponse<byte[]> whole = files.get("/tmp/digits");

        assertThat(middle.statusCode()).isEqualTo(206);
        assertThat(new String(middle.body())).isEqualTo("2345");
        assertThat(middle.headers().firstValue("Content-Range")).hasValue("bytes 2-5/10");
        assertThat(new String(suffix.body())).isEqualTo("789");
        assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes 7-9/10");
        assertThat(new String(open.body())).isEqualTo("789");
        assertThat(new String(pastTheEnd.body())).isEqualTo("89");
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(whole.headers().firstValue("Content-Length")).hasValue("10");
    }

    @Test
    void read_rangeBeyondTheEnd_isBadRequestWithTheSize_andOddRangesGetTheWholeFile() {
        files.write("/tmp/short", "abc".getBytes(StandardCharsets.UTF_8));

        HttpResponse<byte[]> beyond = files.get("/tmp/short", "bytes=3-");
        HttpResponse<byte[]> several = files.get("/tmp/short", "bytes=0-0,2-2");
        HttpResponse<byte[]> otherUnit = files.get("/tmp/short", "lines=1-2");

        assertError(envelope(beyond), 400, "bad_request");
        assertThat(beyond.headers().firstValue("Content-Range")).hasValue("bytes */3");
        assertThat(several.statusCode()).isEqualTo(200);
        assertThat(new String(several.body())).isEqualTo("abc");
        assertThat(new String(otherUnit.body())).isEqualTo("abc");
    }

    @Test
    void relativePaths_areUnderWorkspace() {
        files.write("notes/today.txt", "hi".getBytes(StandardCharsets.UTF_8));

        assertThat(files.execOut("cat /workspace/notes/today.txt")).isEqualTo("hi");
        assertThat(files.readText("/workspace/notes/today.txt")).isEqualTo("hi");
        assertThat(files.stat("notes/today.txt").data().path("path").asText())
                .isEqualTo("/workspace/notes/today.txt");
        assertThat(admin.get("v1/sandboxes/" + files.sandbox() + "/files/list").data().path("path").asText())
                .as("the default directory").isEqualTo("/workspace");
    }

    @Test
    void write_makesParentsSetsTheModeAndKeepsAReplacedFilesMode() {
        JsonNode script = files.write("/tmp/deep/er/run.sh", "#!/bin/sh\necho ran\n".getBytes());
        ApiResponse executable = admin.send(admin.request(files.url("", "/tmp/deep/er/tool") + "&mode=0750")
                .PUT(HttpRequest.BodyPublishers.ofString("x")));
        files.exec("chmod 600 /tmp/deep/er/run.sh");
        JsonNode replaced = files.write("/tmp/deep/er/run.sh", "echo again\n".getBytes());

        assertThat(script.path("mode").asText()).isEqualTo("0644");
        assertThat(executable.data().path("mode").asText()).isEqualTo("0750");
        assertThat(replaced.path("mode").asText()).isEqualTo("0600");
        assertThat(files.readText("/tmp/deep/er/run.sh")).isEqualTo("echo again\n");
        assertError(admin.send(admin.request(files.url("", "/tmp/x") + "&mode=rwx")
                .PUT(HttpRequest.BodyPublishers.ofString("x"))), 400, "validation_failed");
    }

    @Test
    void list_directory_showsEachEntryWithItsTypeSizeAndMode() {
        files.exec("mkdir -p /tmp/tree/sub/deeper && printf 12345 > /tmp/tree/five && ln -s five /tmp/tree/link"
                + " && touch /tmp/tree/sub/inner /tmp/tree/sub/deeper/deepest && touch \"/tmp/tree/new\nline\"");

        JsonNode flat = files.list("/tmp/tree", "").data();
        JsonNode recursive = files.list("/tmp/tree", "&recursive=true").data();
        JsonNode twoLevels = files.list("/tmp/tree", "&depth=2").data();

        assertThat(flat.path("truncated").asBoolean()).isFalse();
        assertThat(flat.path("entries").findValuesAsText("name")).containsExactly("five", "link", "new\nline", "sub");
        JsonNode five = flat.path("entries").get(0);
        assertThat(five.path("path").asText()).isEqualTo("/tmp/tree/five");
        assertThat(five.path("type").asText()).isEqualTo("file");
        assertThat(five.path("size").asLong()).isEqualTo(5);
        assertThat(flat.path("entries").get(1).path("type").asText()).isEqualTo("symlink");
        assertThat(flat.path("entries").get(3).path("type").asText()).isEqualTo("dir");
        assertThat(recursive.path("entries").findValuesAsText("path")).contains("/tmp/tree/sub/deeper/deepest");
        assertThat(twoLevels.path("entries").findValuesAsText("path")).contains("/tmp/tree/sub/inner")
                .doesNotContain("/tmp/tree/sub/deeper/deepest");
        assertError(files.list("/tmp/tree", "&depth=99"), 400, "validation_failed");
    }

    @Test
    void list_moreThanTenThousandEntries_isTruncatedAtTheCap() {
        files.exec("mkdir -p /tmp/many && cd /tmp/many && seq 10050 | xargs touch");

        JsonNode listing = files.list("/tmp/many", "").data();

        assertThat(listing.path("truncated").asBoolean()).isTrue();
        assertThat(listing.path("entries").size()).isEqualTo(10_000);
    }

    @Test
    void stat_fileDirectoryAndSymlink_describeTheEntryItself() {
        files.exec("mkdir -p /tmp/st && printf abc > /tmp/st/f && ln -sfn /etc /tmp/st/l");

        assertThat(files.stat("/tmp/st/f").data().path("size").asLong()).isEqualTo(3);
        assertThat(files.stat("/tmp/st").data().path("type").asText()).isEqualTo("dir");
        assertThat(files.stat("/tmp/st/l").data().path("type").asText()).isEqualTo("symlink");
        assertThat(files.stat("/").data().path("name").asText()).isEqualTo("/");
        assertError(files.stat("/tmp/st/none"), 404, "not_found");
    }

    @Test
    void mkdir_makesParentsIsIdempotentAndRefusesAFileInTheWay() {
        ApiResponse made = files.post("mkdir", Map.of("path", "/tmp/a/b/c"));
        ApiResponse again = files.post("mkdir", Map.of("path", "/tmp/a/b/c"));
        files.write("/tmp/a/file", "x".getBytes());

        assertThat(made.status()).isEqualTo(200);
        assertThat(made.data().path("type").asText()).isEqualTo("dir");
        assertThat(made.data().path("path").asText()).isEqualTo("/tmp/a/b/c");
        assertThat(again.status()).isEqualTo(200);
        assertError(files.post("mkdir", Map.of("path", "/tmp/a/file")), 409, "conflict");
        assertError(files.post("mkdir", Map.of("path", "/tmp/a/file/sub")), 409, "conflict");
        assertError(files.post("mkdir", Map.of()), 400, "validation_failed");
    }

    @Test
    void move_renamesMakingParents_andAMissingSourceIsNotFound() {
        files.write("/tmp/mv/from.txt", "moving".getBytes());

        ApiResponse moved = files.post("move", Map.of("from", "/tmp/mv/from.txt", "to", "/tmp/mv/new/dir/to.txt"));

        assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
        assertThat(moved.data().path("path").asText()).isEqualTo("/tmp/mv/new/dir/to.txt");
        assertThat(files.readText("/tmp/mv/new/dir/to.txt")).isEqualTo("moving");
        assertThat(files.get("/tmp/mv/from.txt").statusCode()).isEqualTo(404);
        assertError(files.post("move", Map.of("from", "/tmp/mv/none", "to", "/tmp/mv/x")), 404, "not_found");
    }

    @Test
    void delete_filesAndDirectories_nonEmptyOnlyWithRecursive() {
        files.exec("mkdir -p /tmp/del/full/sub /tmp/del/empty && touch /tmp/del/f /tmp/del/full/sub/x"
                + " && ln -s /etc/passwd /tmp/del/link");

        assertThat(files.delete("/tmp/del/f", "").data().path("deleted").asBoolean()).isTrue();
        assertThat(files.delete("/tmp/del/empty", "").status()).isEqualTo(200);
        assertThat(files.delete("/tmp/del/link", "").status()).isEqualTo(200);
        assertError(files.delete("/tmp/del/full", ""), 409, "conflict");
        assertThat(files.delete("/tmp/del/full", "&recursive=true").status()).isEqualTo(200);
        assertError(files.delete("/tmp/del/f", ""), 404, "not_found");

        assertThat(files.execOut("ls -A /tmp/del; test -f /etc/passwd && echo kept")).isEqualTo("kept\n");
    }

    @Test
    void wrongKindOfPath_isAClearClientError() {
        files.write("/tmp/kind/file", "x".getBytes());

        ApiResponse readDir = envelope(files.get("/tmp/kind"));
        assertError(readDir, 400, "bad_request");
        assertThat(readDir.error().path("message").asText()).contains("/tmp/kind is a directory");
        assertError(files.put("/tmp/kind", "x".getBytes()), 400, "bad_request");
        assertError(files.list("/tmp/kind/file", ""), 400, "bad_request");
        assertError(envelope(files.get("/dev/null")), 400, "bad_request");
        assertError(envelope(files.get("/tmp/kind/missing")), 404, "not_found");
        assertError(files.put("/tmp/kind/file/below", "x".getBytes()), 409, "conflict");
    }

    @Test
    void badPaths_areValidationFailedNamingThePath() {
        ApiResponse empty = admin.get("v1/sandboxes/" + files.sandbox() + "/files/stat?path=");
        ApiResponse missing = admin.get("v1/sandboxes/" + files.sandbox() + "/files/stat");
        ApiResponse nul = admin.get("v1/sandboxes/" + files.sandbox() + "/files/stat?path=/tmp/a%00b");

        for (ApiResponse response : List.of(empty, missing, nul)) {
            assertError(response, 400, "validation_failed");
            assertThat(response.error().path("details").findValuesAsText("field")).containsExactly("path");
        }
    }
}
