package dev.corral.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one writer of server-sent events ({@code text/event-stream}): named events with JSON data, and comments
 * (heartbeats). Each is flushed at once, so a slow client holds up its writer (back-pressure) instead of output
 * piling up in memory, and a client that went away makes the write fail with an {@link IOException}: that is how an
 * SSE answer learns its client is gone. Every SSE answer of the API goes through here.
 *
 * <p>Threading: one request thread writes; not thread-safe.
 */
public final class ServerSentEvents {
    private final OutputStream out;

    private ServerSentEvents(OutputStream out) {
        this.out = out;
    }

    /** Starts the answer: 200, the event-stream content type, no caching or proxy buffering. */
    public static ServerSentEvents open(Context ctx) throws IOException {
        ctx.status(200).contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no");
        return new ServerSentEvents(ctx.res().getOutputStream());
    }

    /** Sends {@code event: name} with {@code data} as one line of JSON. */
    public void event(String name, Object data) throws IOException {
        String json;
        try {
            json = Json.mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        send("event: " + name + "\ndata: " + json + "\n\n");
    }

    /** Sends a comment line, which clients ignore: a heartbeat that also finds out whether the client is there. */
    public void comment(String text) throws IOException {
        send(": " + text + "\n\n");
    }

    private void send(String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
