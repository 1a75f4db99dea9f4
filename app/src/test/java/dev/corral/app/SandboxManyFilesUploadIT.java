package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A multipart upload into a sandbox writes all its files with one script (one exec per upload, not per file),
 * each as a single write does: replaced files keep their mode, a later file of the same name wins, a failure stops
 * at its file and says which, and the plan bounds the number of files. On real runc sandboxes.
 */
class SandboxManyFilesUploadIT {
    private static final int FREE_PARTS = 100;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    static FilesApi files;

    @BeforeAll
    static void start() {
        files = FilesApi.create(corral.newOrganization("free"), "1GB");
    }

    @BeforeEach
    void refillTheRateLimit() {
        // Rate limits are per key and refill on the test clock: a minute on it fills every bucket again.
        corral.clock.advance(Duration.ofMinutes(1));
    }

    @Test
    void upload_asManyFilesAsThePlanAllows_writesEachWithItsContent() {
        var body = new MultipartBody();
        for (int i = 0; i < FREE_PARTS; i++) {
            body.file("file", i % 2 == 0 ? "f" + i : "sub/f" + i, bytes("content of " + i + "\n".repeat(i)));
        }

        ApiResponse uploaded = upload("/tmp/many", body);

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(uploaded.data().size()).isEqualTo(FREE_PARTS);
        assertThat(uploaded.data().get(7).path("path").asText()).isEqualTo("/tmp/many/sub/f7");
        assertThat(uploaded.data().get(7).path("size").asLong()).isEqualTo(("content of 7" + "\n".repeat(7))
                .length());
        assertThat(files.readText("/tmp/many/f98")).isEqualTo("content of 98" + "\n".repeat(98));
        assertThat(files.execOut("find /tmp/many -type f | wc -l").strip()).isEqualTo("100");
        assertThat(files.execOut("ls -A /tmp/many /tmp/many/sub | grep -c corral-upload || true").strip())
                .isEqualTo("0");
    }

    @Test
    void upload_overAnExecutableFile_keepsItsModeAndANewFileIs0644() {
        files.write("/tmp/modes/run.sh", bytes("old"));
        files.exec("chmod 0750 /tmp/modes/run.sh");

        ApiResponse uploaded = upload("/tmp/modes", new MultipartBody().file("file", "run.sh", bytes("#!/bin/sh"))
                .file("file", "new.txt", bytes("new")));

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(files.execOut("stat -c %a /tmp/modes/run.sh /tmp/modes/new.txt")).isEqualTo("750\n644\n");
        assertThat(files.readText("/tmp/modes/run.sh")).isEqualTo("#!/bin/sh");
    }

    @Test
    void upload_sameNameTwice_keepsTheLaterFile() {
        ApiResponse uploaded = upload("/tmp/twice", new MultipartBody().file("file", "same", bytes("first"))
                .file("file", "same", bytes("second")));

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(uploaded.data().size()).isEqualTo(2);
        assertThat(files.readText("/tmp/twice/same")).isEqualTo("second");
    }

    @Test
    void upload_withADirectoryInTheWay_stopsThereNamingItAndKeepsTheFilesBefore() {
        files.exec("mkdir -p /tmp/stop/dir");

        ApiResponse refused = upload("/tmp/stop", new MultipartBody().file("file", "before", bytes("1"))
                .file("file", "dir", bytes("2")).file("file", "after", bytes("3")));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.error().path("message").asText()).contains("/tmp/stop/dir is a directory");
        assertThat(files.execOut("ls -A /tmp/stop")).isEqualTo("before\ndir\n");
    }

    @Test
    void upload_moreFilesThanThePlanAllows_isPayloadTooLargeAndWritesNothing() {
        var body = new MultipartBody();
        for (int i = 0; i <= FREE_PARTS; i++) {
            body.file("file", "f" + i, bytes("file " + i));
        }

        ApiResponse refused = upload("/tmp/too-many", body);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(413);
        assertThat(refused.error().path("code").asText()).isEqualTo("payload_too_large");
        assertThat(files.execOut("ls /tmp/too-many 2>&1 || true")).contains("No such file");
    }

    private static ApiResponse upload(String dir, MultipartBody body) {
        return files.client().send(files.client().request(files.url("/upload", dir))
                .header("Content-Type", body.contentType()).POST(body.publisher()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
