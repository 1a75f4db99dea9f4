package dev.corral.sdk;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A terminal in a sandbox over {@code WS /v1/sandboxes/{id}/terminal}: keystrokes go out as binary frames, a
 * resize as a control frame, the pty's output comes to {@code output} as it arrives, and {@link #awaitEnd} says how
 * it ended (the command's exit code when it exited).
 *
 * <p>Threading: {@link #send} and {@link #resize} may be called from any threads (one frame at a time goes out,
 * in call order); {@code output} runs on the HTTP client's thread, one chunk at a time, and the next chunk is asked
 * for only once it returns, so a slow consumer slows the terminal instead of filling memory.
 */
public final class TerminalConnection implements AutoCloseable {
    private static final Pattern EXIT_CODE = Pattern.compile("\\{\"exitCode\":(-?\\d+)}");

    /**
     * How the terminal ended: the close code and reason the server sent, and the command's exit code when it
     * exited (close code 1000). A refusal has code 4000 plus an HTTP status and the reason {@code "<code>: <message>"}.
     */
    public record Ended(int closeCode, String reason, OptionalInt exitCode) {
        static Ended of(int closeCode, String reason) {
            Matcher exit = EXIT_CODE.matcher(reason);
            return new Ended(closeCode, reason, closeCode == WebSocket.NORMAL_CLOSURE && exit.matches()
                    ? OptionalInt.of(Integer.parseInt(exit.group(1))) : OptionalInt.empty());
        }
    }

    private final CompletableFuture<Ended> ended = new CompletableFuture<>();
    private final ReentrantLock sending = new ReentrantLock();
    private final WebSocket socket;

    private TerminalConnection(CorralClient client, URI uri, Consumer<ByteBuffer> output) {
        try {
            this.socket = client.http().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + client.apiKey())
                    .buildAsync(uri, new Listener(output)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                int status = refused.getResponse().statusCode();
                throw new ApiException("http_" + status, status, "The server refused the terminal (HTTP " + status
                        + ")", "");
            }
            throw e;
        }
    }

    /**
     * Opens a terminal in {@code sandbox} (id or name) of {@code cols} by {@code rows}, running {@code command}
     * with {@code /bin/sh -c}, or the login shell when empty.
     *
     * @throws ApiException when the server refuses the upgrade (such as a bad size or key)
     */
    public static TerminalConnection open(CorralClient client, String sandbox, Optional<String> command, int cols,
                                          int rows, Consumer<ByteBuffer> output) {
        String query = "?cols=" + cols + "&rows=" + rows
                + command.map(c -> "&command=" + CorralClient.encode(c)).orElse("");
        URI uri = URI.create(client.base().toString().replaceFirst("^http", "ws") + "v1/sandboxes/"
                + CorralClient.encode(sandbox) + "/terminal" + query);
        return new TerminalConnection(client, uri, output);
    }

    /** Sends keystrokes (any bytes); waits until they have gone out. Nothing is sent once the terminal ended. */
    public void send(byte[] bytes, int offset, int length) {
        sendFrame(() -> socket.sendBinary(ByteBuffer.wrap(bytes, offset, length), true));
    }

    /** Types {@code text} as UTF-8 ({@code \r} is Enter); see {@link #send}. */
    public void type(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        send(bytes, 0, bytes.length);
    }

    /** Resizes the remote pty; its command gets {@code SIGWINCH}. */
    public void resize(int cols, int rows) {
        sendFrame(() -> socket.sendText("{\"type\":\"resize\",\"cols\":" + cols + ",\"rows\":" + rows + "}", true));
    }

    /** Waits until the server closes the terminal (or the connection fails) and says how it ended. */
    public Ended awaitEnd() throws InterruptedException {
        try {
            return ended.get();
        } catch (ExecutionException e) {
            return new Ended(1006, "the connection failed: " + e.getCause().getMessage(), OptionalInt.empty());
        }
    }

    /** Whether the server has closed the terminal. */
    public boolean isEnded() {
        return ended.isDone();
    }

    /** Closes the connection, which ends the remote command. */
    @Override
    public void close() {
        if (!socket.isOutputClosed() && !ended.isDone()) {
            sendFrame(() -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "closed by the client"));
        }
        socket.abort();
    }

    private void sendFrame(Supplier<CompletableFuture<WebSocket>> frame) {
        sending.lock();
        try {
            if (socket.isOutputClosed() || ended.isDone()) {
                return;
            }
            frame.get().join();
        } catch (CompletionException e) {
            // The connection is gone; awaitEnd says how.
        } finally {
            sending.unlock();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final Consumer<ByteBuffer> output;

        Listener(Consumer<ByteBuffer> output) {
            this.output = output;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            output.accept(data);
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            // The server sends no text frames today; a later kind is skipped rather than shown as output.
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            ended.complete(Ended.of(status, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ended.completeExceptionally(error);
        }
    }
}
