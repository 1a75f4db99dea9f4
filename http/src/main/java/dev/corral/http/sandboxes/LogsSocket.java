package dev.corral.http.sandboxes;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.Sandbox;
import dev.corral.core.sandbox.lifecycle.SandboxService;
import dev.corral.core.sandbox.logs.LogEntry;
import dev.corral.core.sandbox.logs.LogSubscription;
import dev.corral.core.sandbox.logs.SandboxLogs;
import dev.corral.http.Authenticator;
import dev.corral.http.Json;
import dev.corral.http.RouteGroup;
import dev.corral.http.SocketCloses;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code WS /v1/sandboxes/{id}/logs}: one JSON object per text frame, {@code {type, sandboxId, processId?, data?,
 * status?, exitCode?, timestamp}}, for command output, command start and end, and status changes. With
 * {@code ?since=<epoch ms>} it first replays what the sandbox's buffer still holds from then on. Authentication
 * happens before the upgrade, as for every /v1 route; a refusal closes the socket with 4000 plus its HTTP status:
 * 4404 for a sandbox the caller cannot see, 4403 for a key without {@code sandbox:read}.
 *
 * <p>Threading: frames are sent by the subscription's own delivery thread, one at a time per connection.
 */
public final class LogsSocket implements RouteGroup {
    private final SandboxService sandboxes;
    private final SandboxLogs logs;
    private final ConcurrentHashMap<String, LogSubscription> subscriptions = new ConcurrentHashMap<>();

    public LogsSocket(SandboxService sandboxes, SandboxLogs logs) {
        this.sandboxes = sandboxes;
        this.logs = logs;
    }

    /** A log entry as one frame shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Frame(String type, String sandboxId, String processId, String data, String status, Integer exitCode,
                 Instant timestamp) {
        static Frame of(LogEntry entry) {
            return new Frame(entry.type().wire(), entry.sandboxId().value(), entry.processId().orElse(null),
                    entry.data().orElse(null), entry.status().orElse(null), entry.exitCode().orElse(null),
                    entry.timestamp());
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.ws("/v1/sandboxes/{id}/logs", ws -> {
            ws.onConnect(this::connect);
            ws.onClose(ctx -> stop(ctx.sessionId()));
            ws.onError(ctx -> stop(ctx.sessionId()));
        });
    }

    private void connect(WsContext ctx) {
        ctx.enableAutomaticPings();
        Sandbox sandbox;
        try {
            Principal caller = ctx.attribute(Authenticator.PRINCIPAL_ATTRIBUTE);
            sandbox = sandboxes.get(caller, ctx.pathParam("id"));
        } catch (CorralException e) {
            SocketCloses.refuse(ctx, e);
            return;
        }
        sandboxes.recordActivity(sandbox.id());
        Instant since = sinceOf(ctx.queryParam("since"));
        String session = ctx.sessionId();
        subscriptions.put(session, logs.subscribe(sandbox.id(), since, entry -> ctx.send(json(entry)),
                () -> closeQuietly(ctx)));
    }

    private void stop(String session) {
        LogSubscription subscription = subscriptions.remove(session);
        if (subscription != null) {
            subscription.close();
        }
    }

    private static Instant sinceOf(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return Instant.EPOCH;
        }
    }

    private static String json(LogEntry entry) {
        try {
            return Json.mapper().writeValueAsString(Frame.of(entry));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a log frame is always serializable", e);
        }
    }

    private static void closeQuietly(WsContext ctx) {
        try {
            if (ctx.session.isOpen()) {
                ctx.closeSession();
            }
        } catch (RuntimeException ignored) {
            // already closing
        }
    }
}
