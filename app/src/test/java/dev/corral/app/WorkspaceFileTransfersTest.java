package dev.corral.app;

import static dev.corral.app.WorkspaceFilesApi.assertError;
import static dev.corral.app.WorkspaceFilesApi.bytes;
import static dev.corral.app.WorkspaceFilesApi.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bytes in and out of workspaces end to end: multipart uploads, raw writes and {@code direct} reads that must
 * round-trip byte for byte (50 MB streamed, never held), and the two limits on a write: the workspace's volume
 * ({@code quota_exceeded}) and the plan's upload size ({@code payload_too_large}), neither leaving part of a file.
 */
class WorkspaceFileTransfersTest {
    private static final long MB = 1L << 20;
    private static final long FREE_UPLOAD_LIMIT = 100 * MB;

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

    // Uploading

    @Test
    void upload_severalFilesAtTheRoot_writesEach() {
        ApiResponse uploaded = files.upload("/", new MultipartBody()
                .file("file", "a.txt", "alpha".getBytes(StandardCharsets.UTF_8))
                .file("file", "b.bin", new byte[] {0, 1, 2, (byte) 255})
                .file("file", "c.txt", "gamma\n".getBytes(StandardCharsets.UTF_8)));

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(uploaded.data().findValuesAsText("id")).containsExactly("/a.txt", "/b.bin", "/c.txt");
        assertThat(uploaded.data().get(1).path("size").asLong()).isEqualTo(4);
        assertThat(files.readText("/a.txt")).isEqualTo("alpha");
        assertThat(files.read("/b.bin")).containsExactly(0, 1, 2, 255);
        assertThat(files.readText("/c.txt")).isEqualTo("gamma\n");
    }

    @Test
    void upload_intoSubfolder_byPathOrByQueryId() {
        files.folder("/sub");

        ApiResponse byPath = files.upload("/sub", new MultipartBody().file("file", "one.txt", bytes("1")));
        ApiResponse byQuery = files.uploadTo(files.url("upload", "/") + "?id=/sub",
                new MultipartBody().file("file", "two.txt", bytes("2")));

        assertThat(byPath.status()).as(byPath.toString()).isEqualTo(200);
        assertThat(byPath.data().get(0).path("id").asText()).isEqualTo("/sub/one.txt");
        assertThat(byQuery.status()).as(byQuery.toString()).isEqualTo(200);
        assertThat(byQuery.data().get(0).path("id").asText()).isEqualTo("/sub/two.txt");
        assertThat(files.names("/sub")).containsExactly("one.txt", "two.txt");
        assertThat(files.names("/")).containsExactly("sub");
        assertError(files.upload("/missing", new MultipartBody().file("file", "x", bytes("x"))), 404, "not_found");
    }

    @Test
    void upload_withNameField_renamesTheOneFile() {
        ApiResponse renamed = files.upload("/", new MultipartBody()
                .field("name", "chosen.txt")
                .file("file", "original.txt", bytes("content")));
        ApiResponse twoFiles = files.upload("/", new MultipartBody()
                .field("name", "both.txt")
                .file("file", "x.txt", bytes("x"))
                .file("file", "y.txt", bytes("y")));

        assertThat(renamed.status()).as(renamed.toString()).isEqualTo(200);
        assertThat(renamed.data().get(0).path("id").asText()).isEqualTo("/chosen.txt");
        assertThat(files.readText("/chosen.txt")).isEqualTo("content");
        assertError(twoFiles, 400, "validation_failed");
        assertThat(files.names("/")).containsExactly("chosen.txt");
    }

    @Test
    void upload_overAnExistingFile_replacesIt() {
        files.file("/same.txt", "old");

        ApiResponse uploaded = files.upload("/", new MultipartBody().file("file", "same.txt", bytes("new!")));

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(files.readText("/same.txt")).isEqualTo("new!");
    }

    // Byte-exact round trips

    @Test
    void roundTrip_emptyAndEveryByteValue_throughUploadAndRawPut_isByteExact() {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }

        ApiResponse uploaded = files.upload("/", new MultipartBody()
                .file("file", "empty.up", new byte[0])
                .file("file", "every.up", every));
        ApiResponse putEmpty = files.put("/empty.raw", new byte[0]);
        ApiResponse putEvery = files.put("/every.raw", every);

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(putEmpty.status()).as(putEmpty.toString()).isEqualTo(200);
        assertThat(putEmpty.data().path("size").asLong()).isZero();
        assertThat(putEvery.status()).as(putEvery.toString()).isEqualTo(200);
        assertThat(putEvery.data().path("size").asLong()).isEqualTo(256);
        assertThat(files.read("/empty.up")).isEmpty();
        assertThat(files.read("/empty.raw")).isEmpty();
        assertThat(files.read("/every.up")).isEqualTo(every);
        assertThat(files.read("/every.raw")).isEqualTo(every);
    }

    @Test
    void roundTrip_fiftyMegabytesThroughRawPut_isByteExactAndStreamed() throws IOException {
        long size = 50 * MB;

        ApiResponse written = files.put("/big.bin", () -> pattern(size));

        assertThat(written.status()).as(written.toString()).isEqualTo(200);
        assertThat(written.data().path("size").asLong()).isEqualTo(size);
        assertThat(Files.size(files.hostMount(corral.dataDir).resolve("files/big.bin"))).isEqualTo(size);
        HttpResponse<InputStream> download = admin.sendForStream(
                admin.request(files.directUrl("/big.bin", "&download=true")).GET());
        try (InputStream body = download.body()) {
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(download.headers().firstValueAsLong("Content-Length")).hasValue(size);
            assertThat(download.headers().firstValue("Content-Disposition"))
                    .hasValue("attachment; filename=\"big.bin\"");
            assertThat(sha256(body)).isEqualTo(sha256(pattern(size)));
        }
    }

    @Test
    void roundTrip_fiftyMegabytesThroughUpload_isByteExact() throws IOException {
        long size = 50 * MB;

        ApiResponse uploaded = files.upload("/", new MultipartBody().file("file", "big.dat", () -> pattern(size)));

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(uploaded.data().get(0).path("size").asLong()).isEqualTo(size);
        HttpResponse<InputStream> download = admin.sendForStream(
                admin.request(files.directUrl("/big.dat", "")).GET());
        try (InputStream body = download.body()) {
            assertThat(download.statusCode()).isEqualTo(200);
            assertThat(sha256(body)).isEqualTo(sha256(pattern(size)));
        }
    }

    @Test
    void direct_withOrWithoutDownload_isAttachmentOrInline() {
        files.file("/page.html", "<p>hi</p>");

        HttpResponse<byte[]> inline = files.direct("/page.html");
        HttpResponse<byte[]> attachment = admin.sendForBytes(
                admin.request(files.directUrl("/page.html", "&download=true")).GET());
        HttpResponse<byte[]> explicitInline = admin.sendForBytes(
                admin.request(files.directUrl("/page.html", "&download=false")).GET());

        assertThat(inline.statusCode()).isEqualTo(200);
        assertThat(inline.headers().firstValue("Content-Disposition")).hasValue("inline; filename=\"page.html\"");
        assertThat(inline.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("text/html"));
        assertThat(new String(inline.body(), StandardCharsets.UTF_8)).isEqualTo("<p>hi</p>");
        assertThat(attachment.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"page.html\"");
        assertThat(attachment.body()).isEqualTo(inline.body());
        assertThat(explicitInline.headers().firstValue("Content-Disposition"))
                .hasValue("inline; filename=\"page.html\"");
    }

    @Test
    void direct_ofAFolderOrNothing_isAClearError() {
        files.folder("/dir");

        assertError(envelope(files.direct("/dir")), 400, "validation_failed");
        assertError(envelope(files.direct("/none.txt")), 404, "not_found");
        assertError(envelope(admin.sendForBytes(admin.request("v1/workspaces/" + files.workspace() + "/direct")
                .GET())), 400, "validation_failed");
    }

    // Quotas

    @Test
    void upload_pastTheWorkspaceQuota_isQuotaExceededAndLeavesNothing() throws IOException {
        WorkspaceFilesApi small = WorkspaceFilesApi.create(admin, Map.of("quotaBytes", 8 * MB));

        ApiResponse six = small.put("/six.bin", () -> pattern(6 * MB));
        ApiResponse twelve = small.upload("/", new MultipartBody()
                .file("file", "twelve.bin", () -> pattern(12 * MB)));

        assertThat(six.status()).as(six.toString()).isEqualTo(200);
        assertError(twelve, 403, "quota_exceeded");
        assertThat(small.names("/")).containsExactly("six.bin");
        assertThat(small.staging(corral.dataDir)).isEmptyDirectory();
        HttpResponse<InputStream> download = admin.sendForStream(
                admin.request(small.directUrl("/six.bin", "")).GET());
        try (InputStream body = download.body()) {
            assertThat(sha256(body)).isEqualTo(sha256(pattern(6 * MB)));
        }
    }

    @Test
    void everyWrite_onAFullWorkspace_isQuotaExceededUntilRoomIsMade() {
        WorkspaceFilesApi small = WorkspaceFilesApi.create(admin, Map.of("quotaBytes", 8 * MB));
        int megabytes = fillUntilRefused(small, "mb", (int) MB);
        int crumbs = fillUntilRefused(small, "kb", 64 << 10);
        String halfMegabyte = "z".repeat(512 << 10);
        small.folder("/dest");

        assertThat(megabytes).isGreaterThanOrEqualTo(8);
        assertThat(crumbs).isPositive();
        assertError(small.change("/text.txt", Map.of("operation", "write", "contents", halfMegabyte)), 403,
                "quota_exceeded");
        assertError(small.createFile("/", "created.txt", halfMegabyte), 403, "quota_exceeded");
        assertError(small.upload("/", new MultipartBody().file("file", "up.bin", () -> zeros(512 << 10))), 403,
                "quota_exceeded");
        assertError(small.change("/mb0", Map.of("operation", "copy", "target", "/dest")), 403, "quota_exceeded");
        assertThat(small.names("/")).doesNotContain("text.txt", "created.txt", "up.bin");
        assertThat(small.names("/dest")).isEmpty();
        assertThat(small.staging(corral.dataDir)).isEmptyDirectory();

        assertThat(small.delete("/mb0").status()).isEqualTo(200);
        ApiResponse afterRoom = small.change("/text.txt", Map.of("operation", "write", "contents", halfMegabyte));

        assertThat(afterRoom.status()).as(afterRoom.toString()).isEqualTo(200);
        assertThat(afterRoom.data().path("size").asLong()).isEqualTo(512 << 10);
    }

    @Test
    void rawPut_declaredPastTheWorkspaceQuota_isQuotaExceededBeforeTheBodyIsSent() {
        WorkspaceFilesApi small = WorkspaceFilesApi.create(admin, Map.of("quotaBytes", 8 * MB));
        assertThat(small.put("/six.bin", () -> pattern(6 * MB)).status()).isEqualTo(200);

        ApiResponse refused = admin.send(admin.request(small.url("files", "/twelve.bin"))
                .header("Content-Type", "application/octet-stream").expectContinue(true)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) (12 * MB)])));

        assertError(refused, 403, "quota_exceeded");
        assertThat(small.names("/")).containsExactly("six.bin");
        assertThat(small.staging(corral.dataDir)).isEmptyDirectory();
    }

    @Test
    void rawPut_chunkedPastTheWorkspaceQuota_leavesNothingBehind() {
        WorkspaceFilesApi small = WorkspaceFilesApi.create(admin, Map.of("quotaBytes", 8 * MB));
        assertThat(small.put("/six.bin", () -> pattern(6 * MB)).status()).isEqualTo(200);

        // The server stops reading where the volume is full; a client still sending may find the connection
        // closed before it reads the answer.
        ApiResponse refused = sendOrCutOff(() -> small.put("/twelve.bin", () -> pattern(12 * MB)));

        if (refused != null) {
            assertError(refused, 403, "quota_exceeded");
        }

        assertThat(small.names("/")).containsExactly("six.bin");
        assertThat(small.staging(corral.dataDir)).isEmptyDirectory();
    }

    @Test
    void copy_pastTheWorkspaceQuota_isQuotaExceededAndLeavesNothing() {
        WorkspaceFilesApi small = WorkspaceFilesApi.create(admin, Map.of("quotaBytes", 8 * MB));
        small.folder("/dest");
        assertThat(small.put("/six.bin", () -> pattern(6 * MB)).status()).isEqualTo(200);

        ApiResponse refused = small.change("/six.bin", Map.of("operation", "copy", "target", "/dest"));

        assertError(refused, 403, "quota_exceeded");
        assertThat(small.names("/dest")).isEmpty();
        assertThat(small.staging(corral.dataDir)).isEmptyDirectory();
    }

    @Test
    void upload_declaredLargerThanTheFreePlanAllows_is413BeforeTheBodyIsRead() {
        ApiClient free = corral.newOrganization("free");
        WorkspaceFilesApi own = WorkspaceFilesApi.create(free, Map.of());
        var tiny = new MultipartBody().file("file", "huge.bin", bytes("tiny"));

        // The declared length is a lie the server must act on before reading: the body never comes.
        ApiResponse multipart = free.send(free.request(own.url("upload", "/"))
                .header("Content-Type", tiny.contentType()).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.fromPublisher(tiny.publisher(), FREE_UPLOAD_LIMIT + 1)));
        ApiResponse raw = free.send(free.request(own.url("files", "/huge.raw"))
                .header("Content-Type", "application/octet-stream").expectContinue(true)
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString("tiny"),
                        FREE_UPLOAD_LIMIT + 1)));

        assertError(multipart, 413, "payload_too_large");
        assertThat(multipart.error().path("message").asText()).contains("100MB");
        assertError(raw, 413, "payload_too_large");
        assertThat(own.names("/")).isEmpty();
        assertThat(own.staging(corral.dataDir)).isEmptyDirectory();
    }

    @Test
    void upload_streamedPastTheFreePlansLimit_is413AndLeavesNothing() {
        ApiClient free = corral.newOrganization("free");
        WorkspaceFilesApi own = WorkspaceFilesApi.create(free, Map.of());
        own.file("/kept.bin", "old");

        ApiResponse raw = sendOrCutOff(() -> own.put("/kept.bin", () -> zeros(FREE_UPLOAD_LIMIT + MB)));
        ApiResponse multipart = sendOrCutOff(() -> own.upload("/", new MultipartBody()
                .file("file", "small.txt", bytes("s"))
                .file("file", "big.bin", () -> zeros(FREE_UPLOAD_LIMIT + 1))));

        if (raw != null) {
            assertError(raw, 413, "payload_too_large");
        }
        if (multipart != null) {
            assertError(multipart, 413, "payload_too_large");
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(own.staging(corral.dataDir)).isEmptyDirectory());
        assertThat(own.names("/")).containsExactly("kept.bin");
        assertThat(own.readText("/kept.bin")).isEqualTo("old");
    }

    @Test
    void upload_exactlyAtTheFreePlansLimit_isAccepted() {
        ApiClient free = corral.newOrganization("free");
        WorkspaceFilesApi own = WorkspaceFilesApi.create(free, Map.of());

        ApiResponse written = own.put("/limit.bin", () -> zeros(FREE_UPLOAD_LIMIT));

        assertThat(written.status()).as(written.toString()).isEqualTo(200);
        assertThat(written.data().path("size").asLong()).isEqualTo(FREE_UPLOAD_LIMIT);
    }

    // Helpers

    /** Writes {@code bytes}-sized files named {@code prefix0, prefix1, ...} until one is refused; how many fit. */
    private static int fillUntilRefused(WorkspaceFilesApi workspace, String prefix, int bytes) {
        for (int i = 0; i < 64; i++) {
            ApiResponse written = workspace.put("/" + prefix + i, () -> zeros(bytes));
            if (written.status() != 200) {
                assertError(written, 403, "quota_exceeded");
                return i;
            }
        }
        throw new AssertionError("64 writes of " + bytes + " bytes fit in a workspace of 8 MiB");
    }

    /** The answer, or null when the server cut the connection before the client had sent everything. */
    private static ApiResponse sendOrCutOff(Supplier<ApiResponse> send) {
        try {
            return send.get();
        } catch (UncheckedIOException cutOff) {
            return null;
        }
    }

    private static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (var counted = new DigestInputStream(in, digest)) {
            counted.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** {@code length} bytes of a fixed, position-dependent pattern, made as they are read. */
    private static InputStream pattern(long length) {
        return new GeneratedStream(length) {
            @Override
            byte at(long position) {
                return (byte) ((position * 0x9E3779B97F4A7C15L) >>> 56 ^ position);
            }
        };
    }

    /** {@code length} zero bytes, made as they are read. */
    private static InputStream zeros(long length) {
        return new GeneratedStream(length) {
            @Override
            byte at(long position) {
                return 0;
            }
        };
    }

    private abstract static class GeneratedStream extends InputStream {
        private final long length;
        private long position;

        GeneratedStream(long length) {
            this.length = length;
        }

        abstract byte at(long position);

        @Override
        public int read() {
            return position < length ? at(position++) & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (position >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - position);
            for (int i = 0; i < n; i++) {
                buffer[offset + i] = at(position++);
            }
            return n;
        }
    }
}
