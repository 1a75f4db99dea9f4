package dev.corral.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/** A real WebSocket client on a sandbox's file watch, collecting every frame and how the socket was closed. */
final class WatchClient implements AutoCloseable {
    /** Generous: the machines running the tests are busy, and nothing here waits on purpose. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    final CompletableFuture<JsonFrames.Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    /** Opens a watch of {@code path} in the sandbox, with {@code query} (such as {@code &recursive=true}) added. */
    WatchClient(URI base, String apiKey, String sandbox, String path, String query) {
        this.socket = connect(url(base, sandbox, path, query), apiKey, frames, closed).join();
    }

    /** The HTTP status a handshake was refused with. */
    static int refusal(URI base, String apiKey, String sandbox, String path, String query) {
        try {
            connect(url(base, sandbox, path, query), apiKey, new CopyOnWriteArrayList<>(), new CompletableFuture<>())
                    .join().abort();
            throw new AssertionError("the handshake was accepted");
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    private static String url(URI base, String sandbox, String path, String query) {
        return base.toString().replaceFirst("^http", "ws") + "v1/sandboxes/" + sandbox + "/files/watch?path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8) + query;
    }

    private static CompletableFuture<WebSocket> connect(String url, String apiKey, List<JsonNode> frames,
                                                        CompletableFuture<JsonFrames.Closed> closed) {
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + apiKey)
                .buildAsync(URI.create(url), new JsonFrames(frames, closed));
    }

    /** Waits for the {@code ready} frame: every change from then on is reported. */
    WatchClient awaitReady() {
        Awaitility.await().atMost(PATIENCE).until(() -> closed.isDone() || frames.stream().anyMatch(f -> type(f).equals("ready")));
        if (closed.isDone()) {
            throw new AssertionError("closed before it was ready: " + closed.join());
        }
        return this;
    }

    /** Waits for a frame of {@code type} about {@code path} and returns it. */
    JsonNode awaitChange(String type, String path) {
        Awaitility.await().atMost(PATIENCE).until(() -> find(type, path) != null);
        return find(type, path);
    }

    JsonFrames.Closed awaitClosed() {
        Awaitility.await().atMost(PATIENCE).until(closed::isDone);
        return closed.join();
    }

    /** Every frame but {@code ready}, as {@code "type path"}. */
    List<String> changes() {
        return frames.stream().filter(f -> !type(f).equals("ready"))
                .map(f -> type(f) + " " + f.path("path").asText()).toList();
    }

    private JsonNode find(String type, String path) {
        return frames.stream().filter(f -> type(f).equals(type) && f.path("path").asText().equals(path)).findFirst()
                .orElse(null);
    }

    private static String type(JsonNode frame) {
        return frame.path("type").asText();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
