package dev.corral.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.error.CorralException;
import dev.corral.core.error.ErrorCode;
import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import io.javalin.Javalin;
import java.net.URI;
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
    void everyErrorCode_hasAStatus() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(ErrorMapper.status(code)).isBetween(400, 599);
        }
    }
}
