package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key that is revoked or expires ends what it holds open: its WebSockets close with 4401 and its event streams
 * end on an {@code error} event, within a second (the bound; the waits below allow 2 s on a loaded
 * machine, and a revocation here ends them at once). Real WebSocket and SSE clients, on a real runc sandbox.
 */
class RevokedKeyStreamsIT {
    /** The issue asks for a second; twice that, so a loaded 2-core CI machine does not fail a correct server. */
    private static final Duration WITHIN = Duration.ofSeconds(2);

    @RegisterExtension
    static final TestCorral corral = new TestCorral();
    private static ApiClient owner;
    private static String sandbox;

    @BeforeAll
    static void sandbox() {
        owner = corral.newOrganization("pro");
        ApiResponse made = owner.post("v1/sandboxes?wait=true", Map.of("template", "base",
                "resources", Map.of("memory", "128MB", "disk", "128MB")));
        assertThat(made.status()).as(made.toString()).isEqualTo(201);
        sandbox = made.data().path("id").asText();
    }

    @Test
    void logsSocket_whenItsKeyIsRevoked_closesWith4401() throws Exception {
        ApiResponse key = owner.post("v1/api-keys", Map.of("name", "watcher"));
        var logs = new LogsClient(corral.admin.base(), key.data().path("key").asText(), sandbox, "");
        try {
            assertThat(logs.closed).isNotDone();

            assertThat(owner.delete("v1/api-keys/" + key.data().path("id").asText()).status()).isEqualTo(200);

            JsonFrames.Closed closed = logs.closed.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("revoked");
        } finally {
            closeQuietly(logs);
        }
    }

    @Test
    void logsSocket_whenItsKeyExpires_closesWith4401() throws Exception {
        ApiResponse key = owner.post("v1/api-keys", Map.of("name", "short", "expiresIn", "1h"));
        var logs = new LogsClient(corral.admin.base(), key.data().path("key").asText(), sandbox, "");
        try {
            corral.clock.advance(Duration.ofMinutes(59));
            assertThat(owner.get("v1/me").status()).isEqualTo(200);
            assertThat(logs.closed).isNotDone();

            corral.clock.advance(Duration.ofMinutes(1));

            JsonFrames.Closed closed = logs.closed.get(WITHIN.toMillis() + 500, TimeUnit.MILLISECONDS);
            assertThat(closed.code()).isEqualTo(4401);
            assertThat(closed.reason()).contains("expired");
        } finally {
            closeQuietly(logs);
        }
    }

    /** Closes our side, which the client may have closed already after the server's close. */
    private static void closeQuietly(LogsClient logs) {
        try {
            logs.close();
        } catch (RuntimeException alreadyClosed) {
            // the client answered the server's close itself
        }
    }

    @Test
    void streamedExec_whenItsKeyIsRevoked_endsOnAnErrorEvent() throws Exception {
        ApiResponse key = owner.post("v1/api-keys", Map.of("name", "streamer"));
        ApiClient streamer = owner.withKey(key.data().path("key").asText());
        HttpResponse<InputStream> stream = streamer.sendForStream(streamer.request("v1/sandboxes/" + sandbox + "/exec")
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"echo started; sleep 120\"}")));
        assertThat(stream.statusCode()).isEqualTo(200);
        var reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(nextEvent(reader).getFirst()).isEqualTo("event: stdout");

        CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> remaining(reader));
        assertThat(owner.delete("v1/api-keys/" + key.data().path("id").asText()).status()).isEqualTo(200);

        List<String> lines = rest.get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(lines).contains("event: error").noneMatch(line -> line.startsWith("event: exit"));
        assertThat(String.join("\n", lines)).contains("\"code\":\"invalid_token\"");
        await().atMost(Duration.ofSeconds(10)).until(() -> owner.post("v1/sandboxes/" + sandbox + "/exec",
                Map.of("command", "pgrep -xf 'sleep 120' || true")).data().path("stdout").asText().isBlank());
    }

    /** The lines of the next event, read as they come. */
    private static List<String> nextEvent(BufferedReader reader) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isEmpty() && !lines.isEmpty()) {
                return lines;
            }
            lines.add(line);
        }
        throw new AssertionError("the stream ended: " + lines);
    }

    /** Every line up to the end of the stream. */
    private static List<String> remaining(BufferedReader reader) {
        List<String> lines = new ArrayList<>();
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (java.io.IOException e) {
            lines.add("(" + e + ")");
        }
        return lines;
    }
}
