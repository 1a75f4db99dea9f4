package dev.corral.app;

import static dev.corral.app.FilesApi.assertError;
import static dev.corral.app.FilesApi.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads over the plan's limit, multipart uploads, tar downloads, and who may use the files API on which
 * sandbox, end to end on real runc sandboxes.
 */
class SandboxFileTransfersIT {
    private static final long FREE_UPLOAD_LIMIT = 100L << 20;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    static final ApiClient admin = corral.admin;
    static FilesApi files;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        files = FilesApi.create(admin, "256MB");
    }

    @Test
    void upload_declaredLargerThanThePlanAllows_is413BeforeAnyByteIsSent() {
        FilesApi free = FilesApi.create(corral.newOrganization("free"), "256MB");

        ApiResponse refused = free.client().send(free.client().request(free.url("", "/workspace/huge.bin"))
                .expectContinue(true).PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> FilesApi.zeros(FREE_UPLOAD_LIMIT + 1)),
                        FREE_UPLOAD_LIMIT + 1)));

        assertError(refused, 413, "payload_too_large");
        assertThat(refused.error().path("message").asText()).contains("100MB");
        assertThat(free.stat("/workspace/huge.bin").status()).isEqualTo(404);
    }

    @Test
    void upload_streamedPastThePlansLimit_isStoppedAndLeavesNothingBehind() {
        FilesApi free = FilesApi.create(corral.newOrganization("free"), "256MB");
        free.write("/workspace/kept.bin", "old".getBytes());

        ApiResponse refused;
        try {
            refused = free.client().send(free.client().request(free.url("", "/workspace/kept.bin"))
                    .PUT(HttpRequest.BodyPublishers.ofInputStream(
                            () -> FilesApi.zeros(FREE_UPLOAD_LIMIT + (1 << 20)))));
        } catch (UncheckedIOException cutOff) {
            refused = null; // the server may close the connection before the client has sent everything
        }

        if (refused != null) {
            assertError(refused, 413, "payload_too_large");
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(free.execOut("ls -A /workspace")).isEqualTo("kept.bin\n"));
        assertThat(free.readText("/workspace/kept.bin")).isEqualTo("old");
    }

    @Test
    void upload_exactlyAtALimit_isAccepted() {
        ApiClient free = corral.newOrganization("free");
        FilesApi freeFiles = FilesApi.create(free, "256MB");

        JsonNode written = freeFiles.write("/workspace/limit.bin", new byte[(int) FREE_UPLOAD_LIMIT]);

        assertThat(written.path("size").asLong()).isEqualTo(FREE_UPLOAD_LIMIT);
    }

    @Test
    void multipartUpload_ofThreeFiles_writesEachBelowTheDirectory() {
        String boundary = "corral-" + UUID.randomUUID();
        var body = new ByteArrayOutputStream();
        part(body, boundary, "files", "a.txt", "alpha".getBytes());
        part(body, boundary, "files", "b.bin", new byte[] {0, 1, 2, (byte) 255});
        part(body, boundary, "files", "sub/c.txt", "gamma\n".getBytes());
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        ApiResponse uploaded = admin.send(admin.request(files.url("/upload", "/workspace/up"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(uploaded.data().findValuesAsText("path"))
                .containsExactly("/workspace/up/a.txt", "/workspace/up/b.bin", "/workspace/up/sub/c.txt");
        assertThat(files.readText("/workspace/up/a.txt")).isEqualTo("alpha");
        assertThat(files.read("/workspace/up/b.bin")).containsExactly(0, 1, 2, 255);
        assertThat(files.readText("/workspace/up/sub/c.txt")).isEqualTo("gamma\n");
    }

    @Test
    void multipartUpload_withAClimbingNameOrNoFiles_isRefused() {
        String boundary = "corral-" + UUID.randomUUID();
        var climbing = new ByteArrayOutputStream();
        part(climbing, boundary, "files", "../escape.txt", "x".getBytes());
        climbing.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));

        ApiResponse refused = admin.send(admin.request(files.url("/upload", "/workspace/up2"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(climbing.toByteArray())));
        ApiResponse notMultipart = admin.send(admin.request(files.url("/upload", "/workspace/up2"))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofString("x")));

        assertError(refused, 400, "validation_failed");
        assertError(notMultipart, 415, "unsupported_media_type");
        assertThat(files.stat("/workspace/escape.txt").status()).isEqualTo(404);
    }

    @Test
    void multipartUpload_streamedPastThePlansLimit_is413AndWritesNothing() {
        FilesApi free = FilesApi.create(corral.newOrganization("free"), "256MB");
        String boundary = "corral-" + UUID.randomUUID();
        var head = new ByteArrayOutputStream();
        part(head, boundary, "files", "small.txt", "s".getBytes());
        head.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.bin\""
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);

        ApiResponse refused;
        try {
            refused = free.client().send(free.client().request(free.url("/upload", "/workspace/many"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.SequenceInputStream(
                            java.util.Collections.enumeration(java.util.List.of(
                                    new java.io.ByteArrayInputStream(head.toByteArray()),
                                    FilesApi.zeros(FREE_UPLOAD_LIMIT + 1),
                                    new java.io.ByteArrayInputStream(tail)))))));
        } catch (UncheckedIOException cutOff) {
            refused = null; // the server may close the connection before the client has sent everything
        }

        if (refused != null) {
            assertError(refused, 413, "payload_too_large");
        }
        assertThat(free.stat("/workspace/many").status()).isEqualTo(404);
    }

    private static void part(ByteArrayOutputStream body, String boundary, String field, String filename,
                             byte[] content) {
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\""
                + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void download_ofADirectory_isATarArchiveOfItsContents() throws Exception {
        files.exec("mkdir -p /workspace/tree/sub && printf one > /workspace/tree/one.txt"
                + " && head -c 100000 /dev/urandom > /workspace/tree/sub/random.bin"
                + " && ln -s one.txt /workspace/tree/link"
                + " && sha256sum /workspace/tree/sub/random.bin > /tmp/tree.sha");

        HttpResponse<byte[]> tar = admin.sendForBytes(admin.request(files.url("/download", "/workspace/tree")).GET());

        assertThat(tar.statusCode()).isEqualTo(200);
        assertThat(tar.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/x-tar"));
        assertThat(tar.headers().firstValue("Content-Disposition")).hasValue("attachment; filename=\"tree.tar\"");
        Path archive = temp.resolve("tree.tar");
        Files.write(archive, tar.body());
        Path out = Files.createDirectory(temp.resolve("out"));
        assertThat(hostTar("-xf", archive.toString(), "-C", out.toString(), "--no-same-owner")).isZero();
        assertThat(out.resolve("one.txt")).hasContent("one");
        assertThat(Files.readSymbolicLink(out.resolve("link"))).isEqualTo(Path.of("one.txt"));
        assertThat(files.execOut("cat /tmp/tree.sha")).startsWith(
                FilesApi.sha256(Files.readAllBytes(out.resolve("sub/random.bin"))));
    }

    @Test
    void download_ofAFileOrNothing_isAClearError() {
        files.write("/workspace/single.txt", "x".getBytes());

        assertError(envelope(admin.sendForBytes(admin.request(files.url("/download", "/workspace/single.txt"))
                .GET())), 400, "bad_request");
        assertError(envelope(admin.sendForBytes(admin.request(files.url("/download", "/workspace/none")).GET())),
                404, "not_found");
    }

    @Test
    void download_cutOffWhenItsSandboxIsDeleted_endsInAnErrorNotInAWholeLookingArchive() throws Exception {
        FilesApi doomed = FilesApi.create(admin, "256MB");
        doomed.exec("mkdir /workspace/big && head -c 40000000 /dev/urandom > /workspace/big/data");
        HttpResponse<InputStream> download = HttpClient.newHttpClient().send(
                admin.request(doomed.url("/download", "/workspace/big"))
                        .header("Authorization", "Bearer " + TestCorral.ADMIN_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());

        try (InputStream archive = download.body()) {
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(archive.readNBytes(1 << 20)).hasSize(1 << 20);
            assertThat(admin.delete("v1/sandboxes/" + doomed.sandbox()).status()).isEqualTo(200);

            assertThatThrownBy(() -> archive.transferTo(OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class);
        }
    }

    private static int hostTar(String... args) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<String>();
        command.add("tar");
        command.addAll(java.util.List.of(args));
        Process tar = new ProcessBuilder(command).inheritIO().start();
        assertThat(tar.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return tar.exitValue();
    }

    @Test
    void fileCalls_onAPausedSandbox_resumeIt() {
        FilesApi paused = FilesApi.create(admin, "128MB");
        paused.write("/workspace/before.txt", "kept".getBytes());
        assertThat(admin.post("v1/sandboxes/" + paused.sandbox() + "/pause", Map.of()).data().path("status")
                .asText()).isEqualTo("paused");

        assertThat(paused.readText("/workspace/before.txt")).isEqualTo("kept");
        assertThat(admin.get("v1/sandboxes/" + paused.sandbox()).data().path("status").asText()).isEqualTo("running");
        admin.post("v1/sandboxes/" + paused.sandbox() + "/pause", Map.of());
        paused.write("/workspace/after.txt", "new".getBytes());
        assertThat(admin.get("v1/sandboxes/" + paused.sandbox()).data().path("status").asText()).isEqualTo("running");
    }

    @Test
    void fileCalls_onADeletedSandbox_areInvalidState() {
        FilesApi gone = FilesApi.create(admin, "128MB");
        admin.delete("v1/sandboxes/" + gone.sandbox());

        assertError(envelope(gone.get("/etc/hostname")), 409, "invalid_state");
        assertError(gone.put("/tmp/x", "x".getBytes()), 409, "invalid_state");
    }

    @Test
    void anotherOrganizationsSandbox_isNotFound() {
        FilesApi stranger = files.as(corral.newOrganization("pro"));

        assertError(envelope(stranger.get("/etc/hostname")), 404, "not_found");
        assertError(stranger.put("/workspace/intruder.txt", "x".getBytes()), 404, "not_found");
        assertError(stranger.list("/workspace", ""), 404, "not_found");
        assertError(stranger.delete("/etc/hostname", ""), 404, "not_found");
        assertThat(files.stat("/workspace/intruder.txt").status()).isEqualTo(404);
    }

    @Test
    void scopes_filesOrSandboxScopesGrantReadingAndWriting() {
        files.write("/workspace/scoped.txt", "s".getBytes());
        FilesApi filesRead = files.as(admin.withKey(corral.newKey(admin, "files:read")));
        FilesApi filesWrite = files.as(admin.withKey(corral.newKey(admin, "files:write")));
        FilesApi sandboxRead = files.as(admin.withKey(corral.newKey(admin, "sandbox:read")));
        FilesApi sandboxAll = files.as(admin.withKey(corral.newKey(admin, "sandbox:*")));
        FilesApi unrelated = files.as(admin.withKey(corral.newKey(admin, "template:read")));

        assertThat(filesRead.readText("/workspace/scoped.txt")).isEqualTo("s");
        assertThat(sandboxRead.list("/workspace", "").status()).isEqualTo(200);
        assertError(filesRead.put("/workspace/no.txt", "x".getBytes()), 403, "forbidden");
        assertError(sandboxRead.delete("/workspace/scoped.txt", ""), 403, "forbidden");
        assertThat(filesWrite.put("/workspace/yes.txt", "x".getBytes()).status()).isEqualTo(200);
        assertError(envelope(filesWrite.get("/workspace/yes.txt")), 403, "forbidden");
        assertThat(sandboxAll.put("/workspace/all.txt", "x".getBytes()).status()).isEqualTo(200);
        assertThat(sandboxAll.readText("/workspace/all.txt")).isEqualTo("x");
        ApiResponse denied = envelope(unrelated.get("/workspace/scoped.txt"));
        assertError(denied, 403, "forbidden");
        assertThat(denied.error().path("message").asText()).contains("files:read").contains("sandbox:read");
    }
}
