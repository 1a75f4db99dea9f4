package dev.corral.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
    private static Javalin server;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        server = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.before(RequestIds::assign);
            ErrorMapper.register(config.routes);
            config.routes.get("/boom", ctx -> {
                throw new IllegalStateException("database password is hunter2");
            });
            config.routes.get("/unavailable", ctx -> {
                throw CorralException.runtimeUnavailable("runc is not installed", null);
            });
        }).start("127.0.0.1", 0);
        client = new ApiClient(URI.create("http://127.0.0.1:" + server.port() + "/"), null);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @Test
    void unexpectedException_isInternalErrorWithoutDetailsOrTrace() {
        ApiResponse response = client.get("boom");

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.error().path("code").asText()).isEqualTo("internal_error");
        assertThat(response.error().path("requestId").asText()).isEqualTo(response.header("X-Request-Id"));
        assertThat(response.raw()).doesNotContain("hunter2").doesNotContain("IllegalStateException")
                .doesNotContain("at dev.corral");
    }

    @Test
    void runtimeUnavailable_is503() {
        ApiResponse response = client.get("unavailable");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.error().path("code").asText()).isEqualTo("runtime_unavailable");
    }

    @Test
    void everyErrorCode_answersTheStatusDocsApiMdGivesIt() throws IOException {
        Map<String, Integer> documented = documentedCodes();

        for (ErrorCode code : ErrorCode.values()) {
            assertThat(code.wire()).matches("[a-z_]+");
            assertThat(documented).as("docs/API.md lists %s", code.wire()).containsKey(code.wire());
            assertThat(ErrorMapper.status(code)).as(code.wire()).isEqualTo(documented.get(code.wire()));
        }
        assertThat(documented.keySet()).as("every documented code is one Corral has")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).toList());
    }

    /** The rows {@code | `code` | status | when |} of the error table in docs/API.md. */
    private static Map<String, Integer> documentedCodes() throws IOException {
        Pattern row = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\|");
        Map<String, Integer> codes = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("..", "docs", "API.md"))) {
            Matcher matcher = row.matcher(line);
            if (matcher.find()) {
                assertThat(codes.put(matcher.group(1), Integer.parseInt(matcher.group(2))))
                        .as("%s is documented once", matcher.group(1)).isNull();
            }
        }
        return codes;
    }
}
