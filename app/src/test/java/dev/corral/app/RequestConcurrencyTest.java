package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A key may have as many requests in flight as its tier allows (free: 5); one more is rate limited. */
class RequestConcurrencyTest {
    private static final int FREE_CONCURRENT = 5;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();

    @Test
    void sixthRequestInFlight_onAFreeKey_isRateLimitedUntilOneEnds() throws Exception {
        ApiClient free = corral.newOrganization("free");
        String workspace = free.post("v1/workspaces", Map.of("name", "slow")).data().path("id").asText();
        Path staging = corral.dataDir.resolve("workspaces").resolve(workspace).resolve("staging");
        var release = new CountDownLatch(1);
        var uploads = new ArrayList<CompletableFuture<HttpResponse<Void>>>();
        // HTTP/1.1: each stalled upload on a connection of its own.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            for (int i = 0; i < FREE_CONCURRENT; i++) {
                HttpRequest stalled = free.authorizedRequest("v1/workspaces/" + workspace + "/files/part-" + i)
                        .header("Content-Type", "application/octet-stream")
                        // A whole MiB before the stall, so that the client has surely sent some and the server is
                        // writing it when the body stops.
                        .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new StallingBody(1 << 20, release)))
                        .build();
                uploads.add(http.sendAsync(stalled, HttpResponse.BodyHandlers.discarding()));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> staged(staging) == FREE_CONCURRENT);

            ApiResponse refused = free.get("v1/me");

            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.error().path("code").asText()).isEqualTo("rate_limited");
            assertThat(refused.error().path("message").asText()).contains("5 requests in flight");
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        } finally {
            release.countDown();
        }
        uploads.forEach(upload -> upload.handle((response, failure) -> null).join());

        await().atMost(Duration.ofSeconds(30)).until(() -> staged(staging) == 0);
        assertThat(free.get("v1/me").status()).isEqualTo(200);
    }

    @Test
    void manyRequestsThatFail_giveTheirPlacesBack() {
        ApiClient pro = corral.newOrganization("pro");

        for (int i = 0; i < 30; i++) {
            assertThat(pro.get("v1/sandboxes/no-such-sandbox").status()).as("request %d", i).isEqualTo(404);
        }
        assertThat(pro.post("v1/workspaces", Map.of("name", "")).status()).isEqualTo(400);
        assertThat(pro.get("v1/me").status()).isEqualTo(200);
    }

    private static long staged(Path staging) {
        try (Stream<Path> files = Files.list(staging)) {
            return files.count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
