package dev.corral.http.terminal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.exec.ExecSpec;
import dev.corral.core.sandbox.terminal.SandboxTerminals;
import dev.corral.core.sandbox.terminal.Terminal;
import dev.corral.core.sandbox.terminal.TerminalSize;
import dev.corral.core.sandbox.terminal.TerminalSpec;
import dev.corral.http.Authenticator;
import dev.corral.http.Json;
import dev.corral.http.RouteGroup;
import dev.corral.http.SocketCloses;
import dev.corral.http.SocketTickets;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.eclipse.jetty.websocket.api.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A terminal in a sandbox over a WebSocket: {@code WS /v1/sandboxes/{id}/terminal?cols=&rows=&command=} with an
 * API key, or {@code WS /v1/terminal/sessions/{sessionId}?cols=&rows=&command=} with a session of
 * {@link TerminalSessionRoutes} as its only credential (redeemed before the upgrade, so it is used up by the first
 * try, and counted against the minting key's WebSockets). Binary frames carry bytes both ways: keystrokes in,
 * the pty's output out. A text frame is a control message, {@code {"type":"resize","cols":N,"rows":N}}. When the
 * command exits the server closes with 1000 and {@code {"exitCode":N}} as the reason; a terminal ended without one
 * (its sandbox stopped, or it was killed) closes with 1001. A refusal closes with 4000 plus the HTTP status of its
 * error and {@code "<code>: <message>"} as the reason (4403 {@code forbidden}, 4404 {@code not_found}, 4409
 * {@code invalid_state}, 4429 {@code rate_limited}, 4400 for a text frame that is not a control message); a
 * malformed query or session is answered before the upgrade, as an HTTP error.
 *
 * <p>Bounds: an input frame holds at most {@link #MAX_INPUT_BYTES} and a control frame {@link #MAX_CONTROL_BYTES}
 * (a larger one closes with 1009); at most one output frame of {@link #OUTPUT_CHUNK} bytes is pending per
 * connection, since the terminal is not read again until the last frame has gone out (a slow client slows only
 * its own command, as a full pty does); a connection silent both ways for {@link #IDLE} is closed.
 *
 * <p>Threading: Jetty's thread of the connection opens the terminal and writes each input frame to it, one at a
 * time, so keystrokes keep their order and a command that stops reading stops the client's input. One virtual
 * thread per connection reads the terminal and sends its output; the terminal's reads go over a socket (the
 * runtime's), never a process pipe. Closing the socket, from either side, closes the terminal and ends its
 * command.
 */
public final class TerminalSocket implements RouteGroup, SocketTickets {
    static final String SESSIONS = "/v1/terminal/sessions/";
    static final int MAX_INPUT_BYTES = 64 * 1024;
    static final int MAX_CONTROL_BYTES = 1024;
    static final int OUTPUT_CHUNK = 32 * 1024;
    static final Duration IDLE = Duration.ofMinutes(30);

    private static final Logger LOG = LoggerFactory.getLogger(TerminalSocket.class);
    private static final String SANDBOX_TERMINAL = "/v1/sandboxes/{id}/terminal";
    private static final String SESSION_TERMINAL = SESSIONS + "{sessionId}";
    private static final String SPEC_ATTRIBUTE = "corral.terminalSpec";
    private static final String SANDBOX_ATTRIBUTE = "corral.terminalSandbox";
    private static final int MAX_COMMAND_CHARS = 8192;

    private final SandboxTerminals terminals;
    private final ConcurrentHashMap<String, Terminal> open = new ConcurrentHashMap<>();

    public TerminalSocket(SandboxTerminals terminals) {
        this.terminals = terminals;
    }

    /** A text frame: a control message. */
    record Control(String type, Integer cols, Integer rows) {
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.wsBeforeUpgrade(SANDBOX_TERMINAL, ctx -> ctx.attribute(SPEC_ATTRIBUTE, specOf(ctx)));
        routes.wsBeforeUpgrade(SESSION_TERMINAL, ctx -> ctx.attribute(SPEC_ATTRIBUTE, specOf(ctx)));
        routes.ws(SANDBOX_TERMINAL, ws -> handle(ws, ctx -> ctx.pathParam("id")));
        routes.ws(SESSION_TERMINAL, ws -> handle(ws, ctx -> ctx.attribute(SANDBOX_ATTRIBUTE)));
    }

    @Override
    public Optional<Principal> redeem(Context ctx) {
        if (!ctx.path().startsWith(SESSIONS)) {
            return Optional.empty();
        }
        SandboxTerminals.Claim claim = terminals.redeemSession(ctx.path().substring(SESSIONS.length()));
        ctx.attribute(SANDBOX_ATTRIBUTE, claim.sandbox().value());
        return Optional.of(claim.caller());
    }

    private void handle(WsConfig ws, Function<WsContext, String> sandboxOf) {
        ws.onConnect(ctx -> connect(ctx, sandboxOf.apply(ctx)));
        ws.onBinaryMessage(this::input);
        ws.onMessage(this::control);
        ws.onClose(ctx -> stop(ctx.sessionId()));
        ws.onError(ctx -> stop(ctx.sessionId()));
    }

    /** {@code ?cols=&rows=&command=}: the pty's size (80x24 by default) and the command (the login shell). */
    private static TerminalSpec specOf(Context ctx) {
        TerminalSize size = new TerminalSize(number(ctx, "cols", TerminalSize.DEFAULT.cols()),
                number(ctx, "rows", TerminalSize.DEFAULT.rows()));
        Optional<String> command = Optional.ofNullable(ctx.queryParam("command")).filter(c -> !c.isBlank());
        if (command.isPresent() && (command.get().length() > MAX_COMMAND_CHARS || command.get().indexOf('\0') >= 0)) {
            throw CorralException.invalid("command", "must be at most " + MAX_COMMAND_CHARS
                    + " characters, without NUL");
        }
        return new TerminalSpec(command, ExecSpec.DEFAULT_CWD, Map.of(), size);
    }

    private static int number(Context ctx, String name, int absent) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return absent;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw CorralException.invalid(name, "must be a whole number from 1 to " + TerminalSize.MAX_CELLS);
        }
    }

    private void connect(WsContext ctx, String sandbox) {
        ctx.session.setIdleTimeout(IDLE);
        ctx.session.setMaxBinaryMessageSize(MAX_INPUT_BYTES);
        ctx.session.setMaxTextMessageSize(MAX_CONTROL_BYTES);
        Terminal terminal;
        try {
            Principal caller = ctx.attribute(Authenticator.PRINCIPAL_ATTRIBUTE);
            terminal = terminals.open(caller, sandbox, ctx.attribute(SPEC_ATTRIBUTE));
        } catch (CorralException e) {
            refuse(ctx, e);
            return;
        } catch (RuntimeException e) {
            LOG.warn("Terminal {} could not open", ctx.sessionId(), e);
            SocketCloses.close(ctx, 1011, "Something went wrong on our side");
            return;
        }
        open.put(ctx.sessionId(), terminal);
        if (!ctx.session.isOpen()) {
            // The client left while the terminal opened, before its close could find it.
            stop(ctx.sessionId());
            return;
        }
        Thread.ofVirtual().name("corral-terminal-socket").start(() -> pump(ctx, terminal));
    }

    private void input(WsBinaryMessageContext ctx) {
        Terminal terminal = open.get(ctx.sessionId());
        if (terminal == null) {
            return;
        }
        ByteBuffer data = ctx.data();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        try {
            terminal.write(bytes, 0, bytes.length);
        } catch (IOException e) {
            // The command has ended; its pump closes the socket with its exit code.
        }
    }

    private void control(WsMessageContext ctx) {
        Terminal terminal = open.get(ctx.sessionId());
        if (terminal == null) {
            return;
        }
        try {
            Control control = Json.mapper().readValue(ctx.message(), Control.class);
            if (!"resize".equals(control.type()) || control.cols() == null || control.rows() == null) {
                throw new IllegalArgumentException("not a resize");
            }
            terminal.resize(new TerminalSize(control.cols(), control.rows()));
        } catch (CorralException e) {
            refuse(ctx, e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            refuse(ctx, CorralException.badRequest("A text frame is a control message, "
                    + "{\"type\":\"resize\",\"cols\":N,\"rows\":N}; send keystrokes as binary frames"));
        } catch (IOException e) {
            // The command has ended; its pump closes the socket with its exit code.
        }
    }

    /** Sends the terminal's output until it ends or the client is gone, then closes the socket saying how it ended. */
    private void pump(WsContext ctx, Terminal terminal) {
        byte[] buffer = new byte[OUTPUT_CHUNK];
        try {
            int read;
            while ((read = terminal.read(buffer)) >= 0) {
                if (!send(ctx, ByteBuffer.wrap(buffer, 0, read))) {
                    return;
                }
            }
            OptionalInt exitCode = terminal.exitCode();
            if (exitCode.isPresent()) {
                SocketCloses.close(ctx, 1000, "{\"exitCode\":" + exitCode.getAsInt() + "}");
            } else {
                SocketCloses.close(ctx, 1001, "The terminal ended without an exit code: its sandbox stopped or it was killed");
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Terminal {} failed", ctx.sessionId(), e);
            SocketCloses.close(ctx, 1011, "The terminal failed on our side");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stop(ctx.sessionId());
        }
    }

    /** Sends one frame and waits until it has gone out, so that nothing more is read meanwhile; false when gone. */
    private static boolean send(WsContext ctx, ByteBuffer frame) throws InterruptedException {
        var sent = new Callback.Completable();
        try {
            ctx.session.sendBinary(frame, sent);
            sent.get();
            return true;
        } catch (ExecutionException | RuntimeException e) {
            return false;
        }
    }

    private void stop(String session) {
        Terminal terminal = open.remove(session);
        if (terminal != null) {
            terminal.close();
        }
    }

    private static void refuse(WsContext ctx, CorralException e) {
        SocketCloses.close(ctx, SocketCloses.refusal(e), e.code().wire() + ": " + e.getMessage());
    }
}
