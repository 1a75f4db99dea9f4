package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A key may hold as many WebSockets open as its tier allows (free: 5); one more is refused before the upgrade. */
class WebSocketLimitIT {
    private static final int FREE_SOCKETS = 5;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();

    @Test
    void sixthWebSocket_onAFreeKey_isRefusedUntilOneCloses() {
        ApiClient free = corral.newOrganization("free");
        String key = free.apiKey();
        ApiResponse made = free.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB")));
        String sandbox = made.data().path("id").asText();
        List<LogsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < FREE_SOCKETS; i++) {
                open.add(new LogsClient(corral.admin.base(), key, sandbox, ""));
            }

            Throwable refused = catchThrowable(() -> new LogsClient(corral.admin.base(), key, sandbox, ""));

            assertThat(refused).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(WebSocketHandshakeException.class);
            assertThat(((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode()).isEqualTo(429);

            open.removeFirst().close();
            // The server gives the place back when it sees the close; each try also refills the token bucket.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                corral.clock.advance(Duration.ofMinutes(1));
                open.add(new LogsClient(corral.admin.base(), key, sandbox, ""));
                return true;
            });
        } finally {
            open.forEach(LogsClient::close);
        }
    }
}
