package dev.corral.http.ports;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import dev.corral.core.sandbox.ports.PortConnection;
import dev.corral.core.sandbox.ports.SandboxPorts;
import dev.corral.http.Authenticator;
import dev.corral.http.RouteGroup;
import dev.corral.http.SocketCloses;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code WS /v1/sandboxes/{id}/ports/{port}/{path...}}: a WebSocket relayed to the same port and path of the sandbox
 * (the upgrade is authenticated as every {@code /v1} one, or by a port URL's token). Frames go both ways as they
 * came, text as text and binary as binary; a close on either side closes the other with its code. Refusals close
 * with 4000 plus the HTTP status ({@link SocketCloses}); a port nothing answers on closes with 1014 (bad gateway).
 *
 * <p>Threading and bounds: a frame from the caller is sent on towards the sandbox before Jetty reads the next (the
 * caller's thread waits for the send), and the sandbox's side is asked for one message at a time, the next only
 * once the last went out to the caller: at most one message is in flight each way. The JDK's WebSocket client
 * sets {@code Host} to the sandbox's address itself (it cannot be rewritten as the HTTP proxy does).
 */
public final class PortSockets implements RouteGroup {
    private static final int BAD_GATEWAY = 1014;
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration SEND = Duration.ofSeconds(30);

    private final SandboxPorts ports;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT).build();
    private final ConcurrentHashMap<String, Relay> relays = new ConcurrentHashMap<>();

    public PortSockets(SandboxPorts ports) {
        this.ports = ports;
    }

    @Override
    public void register(RoutesConfig routes) {
        for (String path : new String[] {"/v1/sandboxes/{id}/ports/{port}",
                "/v1/sandboxes/{id}/ports/{port}/<path>"}) {
            routes.ws(path, ws -> {
                ws.onConnect(this::connect);
                ws.onMessage(ctx -> relay(ctx).ifPresent(r -> r.toSandbox(ctx.message())));
                ws.onBinaryMessage(ctx -> relay(ctx).ifPresent(r -> r.toSandbox(copy(ctx.data()))));
                ws.onClose(ctx -> end(ctx.sessionId(), ctx.status(), ctx.reason()));
                ws.onError(ctx -> end(ctx.sessionId(), WebSocket.NORMAL_CLOSURE, ""));
            });
        }
    }

    private void connect(WsContext ctx) {
        PortConnection connection;
        try {
            Principal caller = ctx.attribute(Authenticator.PRINCIPAL_ATTRIBUTE);
            connection = ports.open(caller, ctx.pathParam("id"), SandboxPorts.parse(ctx.pathParam("port")));
        } catch (CorralException e) {
            SocketCloses.refuse(ctx, e);
            return;
        }
        var relay = new Relay(ctx, connection);
        relays.put(ctx.sessionId(), relay);
        URI requested = ctx.session.getUpgradeRequest().getRequestURI();
        // A preview host's upgrade came to the path it was sent to; the path form's prefix is the route's own.
        String sent = ctx.attribute(PreviewHosts.SENT_PATH);
        String target = sent != null ? ProxiedTarget.of("/v1/sandboxes/" + connection.sandbox() + "/ports/"
                + connection.port() + sent, requested.getRawQuery())
                : ProxiedTarget.of(requested.getRawPath(), requested.getRawQuery());
        URI uri = URI.create("ws://" + connection.address().getHostAddress() + ":" + connection.port() + target);
        // Host as a dev server expects it, as the HTTP proxy writes it (the JDK's client allows it only when
        // jdk.httpclient.allowRestrictedHeaders names host: CorralServer sets that before any client starts).
        client.newWebSocketBuilder().connectTimeout(CONNECT).header("Host", "localhost:" + connection.port())
                .buildAsync(uri, relay).whenComplete((upstream, e) -> {
            if (e != null) {
                SocketCloses.close(ctx, BAD_GATEWAY, "Nothing accepts a WebSocket on port " + connection.port()
                        + " in sandbox " + connection.sandbox());
                end(ctx.sessionId(), WebSocket.NORMAL_CLOSURE, "");
            } else {
                relay.upstream.complete(upstream);
            }
        });
    }

    /** Jetty reuses a frame's buffer once the handler returns; the send towards the sandbox is done by then. */
    private static ByteBuffer copy(ByteBuffer data) {
        return ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    }

    private java.util.Optional<Relay> relay(WsContext ctx) {
        return java.util.Optional.ofNullable(relays.get(ctx.sessionId()));
    }

    private void end(String session, int code, String reason) {
        Relay relay = relays.remove(session);
        if (relay != null) {
            relay.close(code, reason);
        }
    }

    /** One relayed socket: the caller's side, the sandbox's side once it opened, and the port held open. */
    private static final class Relay implements WebSocket.Listener {
        final CompletableFuture<WebSocket> upstream = new CompletableFuture<>();
        private final WsContext caller;
        private final PortConnection connection;
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        Relay(WsContext caller, PortConnection connection) {
            this.caller = caller;
            this.connection = connection;
        }

        void toSandbox(String message) {
            send(socket -> socket.sendText(message, true));
        }

        void toSandbox(ByteBuffer message) {
            send(socket -> socket.sendBinary(message, true));
        }

        private void send(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> sending) {
            try {
                sending.apply(upstream.get(CONNECT.toMillis(), TimeUnit.MILLISECONDS))
                        .get(SEND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                SocketCloses.close(caller, BAD_GATEWAY, "The sandbox's WebSocket failed");
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            String message = text.toString();
            text.setLength(0);
            caller.session.sendText(message, org.eclipse.jetty.websocket.api.Callback.from(
                    () -> webSocket.request(1), failure -> webSocket.abort()));
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            ByteBuffer message = ByteBuffer.wrap(binary.toByteArray());
            binary = new java.io.ByteArrayOutputStream();
            caller.session.sendBinary(message, org.eclipse.jetty.websocket.api.Callback.from(
                    () -> webSocket.request(1), failure -> webSocket.abort()));
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            SocketCloses.close(caller, statusCode, reason);
            connection.close();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            SocketCloses.close(caller, BAD_GATEWAY, "The sandbox's WebSocket failed");
            connection.close();
        }

        void close(int code, String reason) {
            upstream.thenAccept(socket -> socket.sendClose(code == 1005 || code < 1000 ? WebSocket.NORMAL_CLOSURE
                    : code, reason == null ? "" : reason));
            connection.close();
        }
    }
}
