package dev.corral.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A WebSocket listener that parses each text message (however many frames it comes in) as JSON into {@code frames}
 * and completes {@code closed} with how the server closed the socket, or with the error that ended it.
 */
final class JsonFrames implements WebSocket.Listener {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** How the server closed the socket. */
    record Closed(int code, String reason) {
    }

    private final List<JsonNode> frames;
    private final CompletableFuture<Closed> closed;
    private final StringBuilder text = new StringBuilder();

    JsonFrames(List<JsonNode> frames, CompletableFuture<Closed> closed) {
        this.frames = frames;
        this.closed = closed;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            try {
                frames.add(MAPPER.readTree(text.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            text.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
        closed.complete(new Closed(status, reason));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.completeExceptionally(error);
    }
}
