package dev.corral.app;

import static dev.corral.app.WorkspaceFilesApi.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A multipart upload carries at most its plan's number of files (free: 100), and the server parses no more parts
 * than the largest plan allows: past either, 413 {@code payload_too_large} and nothing is written.
 */
class UploadPartsLimitTest {
    private static final int FREE_PARTS = 100;
    /** Enterprise's, configured below: the most any plan allows, so the most parts the server parses. */
    private static final int ENTERPRISE_PARTS = 600;

    @RegisterExtension
    static final TestCorral corral = new TestCorral(Map.of("enterprise-multipart-parts",
            Integer.toString(ENTERPRISE_PARTS)));

    @Test
    void upload_asManyFilesAsThePlanAllows_writesThemAll() {
        WorkspaceFilesApi files = WorkspaceFilesApi.create(corral.newOrganization("free"), Map.of());

        ApiResponse uploaded = files.upload("/", files(FREE_PARTS));

        assertThat(uploaded.status()).as(uploaded.toString()).isEqualTo(200);
        assertThat(uploaded.data().size()).isEqualTo(FREE_PARTS);
    }

    @Test
    void upload_oneFileMoreThanThePlanAllows_isPayloadTooLargeAndWritesNothing() {
        WorkspaceFilesApi files = WorkspaceFilesApi.create(corral.newOrganization("free"), Map.of());

        ApiResponse refused = files.upload("/", files(FREE_PARTS + 1));

        assertError(refused, 413, "payload_too_large");
        assertThat(refused.error().path("message").asText()).contains("100 per upload");
        assertThat(files.list("/").data()).isEmpty();
    }

    @Test
    void upload_morePartsThanAnyPlanAllows_isRefusedWhileParsing() {
        ApiClient enterprise = corral.admin;
        WorkspaceFilesApi files = WorkspaceFilesApi.create(enterprise, Map.of());

        ApiResponse atTheLimit = files.upload("/", files(ENTERPRISE_PARTS));
        ApiResponse refused = files.upload("/", files(ENTERPRISE_PARTS + 20));

        assertThat(atTheLimit.status()).as(atTheLimit.toString()).isEqualTo(200);
        assertError(refused, 413, "payload_too_large");
        assertThat(refused.error().path("message").asText()).contains("more parts than the server reads");
    }

    private static MultipartBody files(int count) {
        var body = new MultipartBody();
        for (int i = 0; i < count; i++) {
            body.file("file", "f" + i + ".txt", ("file " + i).getBytes(StandardCharsets.UTF_8));
        }
        return body;
    }
}
