package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.testkit.ApiClient;
import dev.corral.testkit.ApiResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key holds at most its plan's event streams open (free: 2): a streamed exec past them is refused at once,
 * while the others still run and before its command starts, and a plain exec of the same key still answers. On
 * real runc sandboxes.
 */
class EventStreamLimitIT {
    private static final int FREE_STREAMS = 2;

    @RegisterExtension
    static final TestCorral corral = new TestCorral();

    @Test
    void streamedExec_pastTheKeysStreams_isRateLimitedWhileTheOthersRun() throws Exception {
        ApiClient free = corral.newOrganization("free");
        FilesApi sandbox = FilesApi.create(free, "1GB");
        var open = new ArrayList<HttpResponse<InputStream>>();
        try {
            for (int i = 0; i < FREE_STREAMS; i++) {
                HttpResponse<InputStream> stream = free.sendForStream(streamedExec(free, sandbox.sandbox(),
                        "echo started; sleep 120"));
                assertThat(firstEvent(stream)).isEqualTo("stdout");
                open.add(stream);
            }

            ApiResponse refused = free.send(streamedExec(free, sandbox.sandbox(), "touch /tmp/refused-ran"));
            String plain = sandbox.execOut("echo plain; ls /tmp/refused-ran 2>&1 || true");

            assertThat(refused.status()).as(refused.toString()).isEqualTo(429);
            assertThat(refused.error().path("code").asText()).isEqualTo("rate_limited");
            assertThat(refused.error().path("message").asText()).contains("2 event streams open");
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(plain).startsWith("plain").contains("No such file");
        } finally {
            // A silent command outlives its client's going away (the exec engine's to fix): end them here.
            sandbox.exec("pkill -x sleep || true");
            for (HttpResponse<InputStream> stream : open) {
                stream.body().close();
            }
        }
    }

    private static HttpRequest.Builder streamedExec(ApiClient client, String sandbox, String command) {
        return client.request("v1/sandboxes/" + sandbox + "/exec")
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"" + command + "\"}"));
    }

    /** The name of the first event of a stream, read as it comes. */
    private static String firstEvent(HttpResponse<InputStream> stream) throws Exception {
        assertThat(stream.statusCode()).isEqualTo(200);
        var reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith("event: ")) {
                return line.substring(7);
            }
            seen.add(line);
        }
        throw new AssertionError("the stream ended without an event: " + seen);
    }
}
