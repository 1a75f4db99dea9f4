package dev.corral.http.sandboxes;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecResult;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.exec.SandboxExecutions;
import dev.corral.core.sandbox.exec.Utf8Chunks;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.Json;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code POST /v1/sandboxes/{id}/exec} in its three forms (wait for the result; stream it as server-sent events;
 * start it in the background) and the background processes under {@code /v1/sandboxes/{id}/processes}.
 *
 * <p>Threading: each request's virtual thread pulls the command's events and writes them out; a client that goes
 * away makes the write fail, which closes the stream and so kills the command.
 */
public final class ExecRoutes implements RouteGroup {
    private final SandboxExecutions executions;
    private final Bodies bodies;

    public ExecRoutes(SandboxExecutions executions, Bodies bodies) {
        this.executions = executions;
        this.bodies = bodies;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/sandboxes/{id}/exec", this::exec);
        routes.get("/v1/sandboxes/{id}/processes", ctx -> Responses.ok(ctx, executions.processes(
                Authenticator.principal(ctx), ctx.pathParam("id")).stream()
                .map(ProcessResponse::of).toList()));
        routes.delete("/v1/sandboxes/{id}/processes/{processId}", ctx -> Responses.ok(ctx, ProcessResponse.of(
                executions.kill(Authenticator.principal(ctx), ctx.pathParam("id"),
                        ctx.pathParam("processId")))));
    }

    private void exec(Context ctx) throws InterruptedException {
        Principal caller = Authenticator.principal(ctx);
        ExecBody body = bodies.json(ctx, ExecBody.class);
        String sandbox = ctx.pathParam("id");
        if (body.isBackground()) {
            Responses.created(ctx, ProcessResponse.of(executions.startBackground(caller, sandbox, body.toRequest())));
            return;
        }
        boolean sse = Boolean.TRUE.equals(body.stream())
                || String.valueOf(ctx.header("Accept")).contains("text/event-stream");
        try (ExecStream stream = executions.exec(caller, sandbox, body.toRequest())) {
            if (sse) {
                streamEvents(ctx, stream);
            } else {
                Responses.ok(ctx, ExecResponse.of(ExecResult.drain(stream), body.encodingOrDefault()));
            }
        }
    }

    private static void streamEvents(Context ctx, ExecStream stream) throws InterruptedException {
        ctx.status(200).contentType("text/event-stream; charset=utf-8").header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no");
        var stdout = new Utf8Chunks();
        var stderr = new Utf8Chunks();
        try {
            OutputStream out = ctx.res().getOutputStream();
            while (true) {
                switch (stream.next()) {
                    case ExecEvent.Stdout chunk -> sendText(out, "stdout", stdout.decode(chunk.data()));
                    case ExecEvent.Stderr chunk -> sendText(out, "stderr", stderr.decode(chunk.data()));
                    case ExecEvent.Exit exit -> {
                        sendText(out, "stdout", stdout.finish());
                        sendText(out, "stderr", stderr.finish());
                        send(out, "exit", Map.of("exitCode", exit.exitCode(), "durationMs",
                                exit.duration().toMillis(), "timedOut", exit.timedOut(), "truncated",
                                exit.truncated()));
                        return;
                    }
                }
            }
        } catch (IOException clientGone) {
            stream.close();
        }
    }

    /** Sends output text; a chunk that held only part of a character has none yet. */
    private static void sendText(OutputStream out, String event, String text) throws IOException {
        if (!text.isEmpty()) {
            send(out, event, Map.of("data", text));
        }
    }

    private static void send(OutputStream out, String event, Map<String, Object> data) throws IOException {
        String json;
        try {
            json = Json.mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        out.write(("event: " + event + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A background process as the API shows it. */
    record ProcessResponse(String processId, String sandboxId, String command, String status, Integer exitCode,
                           java.time.Instant startedAt, java.time.Instant endedAt) {
        static ProcessResponse of(dev.corral.core.sandbox.processes.BackgroundProcess process) {
            return new ProcessResponse(process.id(), process.sandboxId().value(), process.command(), process.status(),
                    process.exitCode().orElse(null), process.startedAt(), process.endedAt().orElse(null));
        }
    }
}
