package dev.corral.http.sandboxes;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.KeyStreams;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.exec.ExecEvent;
import dev.corral.core.sandbox.exec.ExecStream;
import dev.corral.core.sandbox.exec.SandboxExecutions;
import dev.corral.core.sandbox.exec.Utf8Chunks;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.ErrorMapper;
import dev.corral.http.Json;
import dev.corral.http.RequestConcurrency;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import dev.corral.http.ServerSentEvents;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /v1/sandboxes/{id}/exec} in its three forms (wait for the result; stream it as server-sent events;
 * start it in the background) and the background processes under {@code /v1/sandboxes/{id}/processes}.
 *
 * <p>Threading: each request's virtual thread pulls the command's events and writes them out; it never reads a
 * pipe (the runtime's platform threads do), it only waits on the stream's small queue. A streamed answer writes a
 * {@code : keep-alive} comment whenever the command has been silent for {@link #HEARTBEAT}, so a client that went
 * away makes a write fail even when the command prints nothing, which closes the stream and so kills the command
 * (a background command is not tied to its request and runs on). A streamed command whose key is revoked or
 * expires is killed, and its stream ends with an {@code error} event holding the key's error ({@link KeyStreams}).
 */
public final class ExecRoutes implements RouteGroup {
    static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private final SandboxExecutions executions;
    private final Bodies bodies;
    private final RequestConcurrency concurrency;
    private final KeyStreams keyStreams;

    public ExecRoutes(SandboxExecutions executions, Bodies bodies, RequestConcurrency concurrency,
                      KeyStreams keyStreams) {
        this.executions = executions;
        this.bodies = bodies;
        this.concurrency = concurrency;
        this.keyStreams = keyStreams;
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

    private void exec(Context ctx) throws InterruptedException, IOException {
        Principal caller = Authenticator.principal(ctx);
        ExecBody body = bodies.json(ctx, ExecBody.class);
        String sandbox = ctx.pathParam("id");
        if (body.isBackground()) {
            Responses.created(ctx, ProcessResponse.of(executions.startBackground(caller, sandbox, body.toRequest())));
            return;
        }
        boolean sse = Boolean.TRUE.equals(body.stream())
                || String.valueOf(ctx.header("Accept")).contains("text/event-stream");
        if (sse) {
            // Before the command starts, so a stream past the key's limit costs no exec.
            concurrency.acquireStream(ctx, caller);
        }
        try (ExecStream stream = executions.exec(caller, sandbox, body.toRequest())) {
            if (sse) {
                // A key revoked or expired while the command runs kills it, and the stream ends on an error event.
                try (KeyStreams.Opened opened = keyStreams.open(caller, keyError -> stream.kill())) {
                    streamEvents(ctx, stream, opened);
                }
            } else {
                StreamedExecAnswer.write(ctx, stream, body.encodingOrDefault());
            }
        }
    }

    private static void streamEvents(Context ctx, ExecStream stream, KeyStreams.Opened opened)
            throws InterruptedException {
        var stdout = new Utf8Chunks();
        var stderr = new Utf8Chunks();
        try {
            // The first event waits for the command to start: one that never started is an error answer instead.
            Optional<ExecEvent> first = stream.poll(HEARTBEAT);
            ServerSentEvents events = ServerSentEvents.open(ctx);
            Optional<ExecEvent> next = first;
            while (true) {
                Optional<CorralException> keyError = opened.endedBy();
                if (keyError.isPresent()) {
                    events.event("error", ErrorMapper.envelope(ctx, keyError.get()));
                    return;
                }
                if (next.isEmpty()) {
                    events.comment("keep-alive");
                } else {
                    switch (next.get()) {
                        case ExecEvent.Stdout chunk -> sendText(events, "stdout", stdout.decode(chunk.data()));
                        case ExecEvent.Stderr chunk -> sendText(events, "stderr", stderr.decode(chunk.data()));
                        case ExecEvent.Exit exit -> {
                            sendText(events, "stdout", stdout.finish());
                            sendText(events, "stderr", stderr.finish());
                            events.event("exit", Map.of("exitCode", exit.exitCode(), "durationMs",
                                    exit.duration().toMillis(), "timedOut", exit.timedOut(), "truncated",
                                    exit.truncated()));
                            return;
                        }
                    }
                    // Virtual threads are never preempted: a flood of output must let other requests run.
                    Thread.yield();
                }
                next = stream.poll(HEARTBEAT);
            }
        } catch (IOException clientGone) {
            stream.close();
        }
    }

    /** Sends output text; a chunk that held only part of a character has none yet. */
    private static void sendText(ServerSentEvents events, String event, String text) throws IOException {
        if (!text.isEmpty()) {
            events.event(event, Map.of("data", text));
        }
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
