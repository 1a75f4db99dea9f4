package dev.corral.http.terminal;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** A real WebSocket client on a terminal: keeps every output byte and how the server closed the socket. */
final class TerminalClient implements WebSocket.Listener, AutoCloseable {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    /** How the server closed the socket. */
    record Closed(int code, String reason) {
    }

    private final ByteArrayOutputStream shown = new ByteArrayOutputStream();
    final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private WebSocket socket;

    private TerminalClient() {
    }

    /** Connects to {@code url} ({@code ws://...}), with {@code apiKey} as Bearer unless null. */
    static TerminalClient connect(String url, String apiKey) {
        var client = new TerminalClient();
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (apiKey != null) {
            builder.header("Authorization", "Bearer " + apiKey);
        }
        client.socket = builder.buildAsync(URI.create(url), client).join();
        return client;
    }

    /** The HTTP status the handshake was refused with. */
    static int refusal(String url, String apiKey) {
        try {
            connect(url, apiKey).socket.abort();
            throw new AssertionError("the handshake was accepted");
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    void type(String text) {
        socket.sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), true).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void sendText(String text) {
        socket.sendText(text, true).join();
    }

    String text() {
        synchronized (shown) {
            return shown.toString(StandardCharsets.UTF_8);
        }
    }

    void awaitText(String text) {
        await().atMost(PATIENCE).until(() -> text().contains(text) || closed.isDone());
        if (!text().contains(text)) {
            throw new AssertionError("closed before showing '" + text + "': " + closed.join() + ", shown: " + text());
        }
    }

    Closed awaitClosed() {
        await().atMost(PATIENCE).until(closed::isDone);
        return closed.join();
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        synchronized (shown) {
            shown.writeBytes(bytes);
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

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
        socket.abort();
    }
}
