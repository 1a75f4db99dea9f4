package dev.corral.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real WebSocket client on a sandbox's logs, collecting every frame it receives. */
final class LogsClient implements AutoCloseable {
    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    final CompletableFuture<JsonFrames.Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;

    LogsClient(URI base, String apiKey, String sandbox, String query) {
        String url = base.toString().replaceFirst("^http", "ws") + "v1/sandboxes/" + sandbox + "/logs" + query;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + apiKey)
                .buildAsync(URI.create(url), new JsonFrames(frames, closed)).join();
    }

    List<String> types() {
        return frames.stream().map(frame -> frame.path("type").asText()).toList();
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
}
