package dev.corral.http.terminal;

import dev.corral.core.error.CorralException;
import dev.corral.core.sandbox.terminal.SandboxTerminals;
import dev.corral.core.sandbox.terminal.TerminalSession;
import dev.corral.http.Authenticator;
import dev.corral.http.Bodies;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * {@code POST /v1/terminal/sandbox-sessions {sandboxId}}: mints a one-time session for a terminal in the sandbox,
 * answered {@code {sessionId, sandboxId, wsPath, expiresAt}}; connecting to {@code wsPath} within a minute opens
 * the terminal ({@link TerminalSocket}) with no API key, and uses the session up.
 */
public final class TerminalSessionRoutes implements RouteGroup {
    private final SandboxTerminals terminals;
    private final Bodies bodies;

    public TerminalSessionRoutes(SandboxTerminals terminals, Bodies bodies) {
        this.terminals = terminals;
        this.bodies = bodies;
    }

    /** The body of the request. */
    record CreateTerminalSessionRequest(String sandboxId) {
    }

    /** A minted session. */
    record TerminalSessionResponse(String sessionId, String sandboxId, String wsPath, Instant expiresAt) {
        static TerminalSessionResponse of(TerminalSession session) {
            return new TerminalSessionResponse(session.id(), session.sandboxId().value(),
                    TerminalSocket.SESSIONS + session.id(), session.expiresAt());
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/terminal/sandbox-sessions", this::create);
    }

    private void create(Context ctx) {
        var body = bodies.json(ctx, CreateTerminalSessionRequest.class);
        if (body.sandboxId() == null || body.sandboxId().isBlank()) {
            throw CorralException.invalid("sandboxId", "is required: the id or name of the sandbox");
        }
        TerminalSession session = terminals.createSession(Authenticator.principal(ctx), body.sandboxId());
        Responses.created(ctx, TerminalSessionResponse.of(session));
    }
}
