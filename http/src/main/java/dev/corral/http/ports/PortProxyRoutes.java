package dev.corral.http.ports;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.Principal;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.corral.core.sandbox.SandboxId;
import dev.corral.core.sandbox.ports.PortConnection;
import dev.corral.core.sandbox.ports.PublicPort;
import dev.corral.core.sandbox.ports.SandboxPorts;
import dev.corral.http.Authenticator;
import dev.corral.http.ErrorMapper;
import dev.corral.http.RequestTickets;
import dev.corral.http.Responses;
import dev.corral.http.RouteGroup;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamRequestContent;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code ANY /v1/sandboxes/{id}/ports/{port}/{path...}}: HTTP to a port of a sandbox, by its address on the host's
 * bridge, with the API key or the {@code token} of a port URL ({@code GET /v1/sandboxes/{id}/url?port=N}, also
 * here) as the credential. The route only translates: {@link SandboxPorts} checks the caller, the sandbox and its network and gives
 * the address; this class passes the request on (method, path, query, headers but the hop-by-hop ones and the
 * caller's Corral key, {@link ProxiedHeaders}; {@code Host} rewritten to {@code localhost:{port}}, which dev servers
 * check) and the answer back, both bodies streamed through small buffers. Nothing listening on the port is a 502,
 * an answer slower than {@link Timeouts#response()} a 504, both in the envelope with {@code runtime_unavailable}
 * (the code of DECISIONS.md closest to "what is behind Corral did not answer"; the status says which part failed).
 *
 * <p>Threading: each request's virtual thread writes the request body (through Jetty's client) and copies the
 * answer's; Jetty's client threads only move bytes between its buffers and the blocking streams.
 */
public final class PortProxyRoutes implements RouteGroup, RequestTickets, AutoCloseable {
    private static final int COPY_BUFFER = 16 * 1024;
    private static final int MAX_CONNECTIONS_PER_SANDBOX_PORT = 64;

    /**
     * How long the proxy waits: for a connection to open, for the answer's headers, and for the next bytes
     * either way while a body flows.
     */
    public record Timeouts(Duration connect, Duration response, Duration idle) {
        public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(60));
    }

    /** The cookie a port URL's token leaves in a browser, so that the page's further requests carry it too. */
    static final String TOKEN_COOKIE = "corral_port_token";
    /** Set on a request whose caller is a port URL's token, not a key: it opens the port, and nothing else. */
    private static final String BY_TOKEN = "corral.port.byToken";

    private final SandboxPorts ports;
    private final Timeouts timeouts;
    private final Optional<PreviewHosts> previewHosts;
    private final HttpClient client;

    /** @param previewHosts the preview URLs by host name, when a preview domain is set */
    public PortProxyRoutes(SandboxPorts ports, Timeouts timeouts, Optional<PreviewHosts> previewHosts) {
        this.ports = ports;
        this.timeouts = timeouts;
        this.previewHosts = previewHosts;
        this.client = new HttpClient();
        client.setFollowRedirects(false);
        client.setConnectTimeout(timeouts.connect().toMillis());
        client.setIdleTimeout(timeouts.idle().toMillis());
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_SANDBOX_PORT);
        // The caller's own User-Agent and Accept-Encoding go on; the proxy adds none and decodes nothing.
        client.setUserAgentField(null);
        client.getContentDecoderFactories().clear();
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the port proxy's HTTP client", e);
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/sandboxes/{id}/url", this::url);
        routes.get("/v1/sandboxes/{id}/ports", ctx -> Responses.ok(ctx, ports.listening(
                Authenticator.principal(ctx), ctx.pathParam("id")).stream().map(ListedPortResponse::of).toList()));
        // Before the proxy's routes, whose paths these also match: the first route that matches serves.
        routes.post("/v1/sandboxes/{id}/ports/{port}/public", ctx -> control(ctx, true));
        routes.delete("/v1/sandboxes/{id}/ports/{port}/public", ctx -> control(ctx, false));
        Handler proxy = this::proxy;
        for (String path : new String[] {"/v1/sandboxes/{id}/ports/{port}",
                "/v1/sandboxes/{id}/ports/{port}/<path>"}) {
            routes.get(path, proxy);
            routes.head(path, proxy);
            routes.post(path, proxy);
            routes.put(path, proxy);
            routes.patch(path, proxy);
            routes.delete(path, proxy);
            routes.options(path, proxy);
        }
    }

    /** {@code GET /v1/sandboxes/{id}/url?port=N}: the port's URL with a token, at the host the caller asked. */
    private void url(Context ctx) {
        String port = ctx.queryParam("port");
        if (port == null) {
            throw CorralException.invalid("port", "is required: the port to make a URL for");
        }
        SandboxPorts.PortUrl url = ports.url(Authenticator.principal(ctx), ctx.pathParam("id"),
                SandboxPorts.parse(port));
        Responses.ok(ctx, new PortUrlResponse(urlOf(ctx, url.sandbox(), url.port()) + "?token=" + url.token(),
                url.port(), url.expiresAt()));
    }

    /** A port URL as the API shows it. */
    record PortUrlResponse(String url, int port, java.time.Instant expiresAt) {
    }

    /**
     * {@code POST} or {@code DELETE /v1/sandboxes/{id}/ports/{port}/public}: opens the port to anyone, or closes
     * it again. Through a preview host the same path is the sandbox's own, and goes to the proxy.
     */
    private void control(Context ctx, boolean open) throws IOException, InterruptedException {
        if (PreviewHosts.isPreview(ctx.req())) {
            proxy(ctx);
            return;
        }
        if (ctx.attribute(BY_TOKEN) != null) {
            throw CorralException.forbidden("A port URL's token opens its port only: making the port public or "
                    + "private takes an API key");
        }
        Principal caller = Authenticator.principal(ctx);
        int port = SandboxPorts.parse(ctx.pathParam("port"));
        if (open) {
            PublicPort opened = ports.makePublic(caller, ctx.pathParam("id"), port);
            Responses.ok(ctx, new PublicPortResponse(port, true, Optional.of(urlOf(ctx, opened.sandbox(), port))));
        } else {
            ports.makePrivate(caller, ctx.pathParam("id"), port);
            Responses.ok(ctx, new PublicPortResponse(port, false, Optional.empty()));
        }
    }

    /** Whether a port is public, and its URL (no token needed) when it is. */
    record PublicPortResponse(int port, @JsonProperty("public") boolean isPublic, Optional<String> url) {
    }

    /** A listening port as {@code GET /v1/sandboxes/{id}/ports} shows it. */
    record ListedPortResponse(int port, String address, @JsonProperty("public") boolean isPublic) {
        static ListedPortResponse of(SandboxPorts.ListedPort listed) {
            return new ListedPortResponse(listed.port(), listed.address(), listed.isPublic());
        }
    }

    /**
     * The port's URL, without a credential: by its preview host when a preview domain is set (on the scheme and
     * port the caller reached this server by), else by the proxy's path on the caller's host.
     */
    private String urlOf(Context ctx, SandboxId sandbox, int port) {
        String host = ctx.host() == null ? "localhost" : ctx.host();
        return previewHosts.map(hosts -> ctx.scheme() + "://" + hosts.hostOf(sandbox, port) + portOf(host) + "/")
                .orElseGet(() -> ctx.scheme() + "://" + host + "/v1/sandboxes/" + sandbox + "/ports/" + port + "/");
    }

    /** The {@code :port} of a Host header, or nothing (IPv6 literals are bracketed, so the last colon tells). */
    private static String portOf(String host) {
        int colon = host.lastIndexOf(':');
        return colon > host.lastIndexOf(']') ? host.substring(colon) : "";
    }

    @Override
    public List<Filter> filters() {
        return previewHosts.<List<Filter>>map(List::of).orElse(List.of());
    }

    /**
     * The caller of a proxied request that carries a port URL's {@code token} instead of a key: the token is
     * checked against the sandbox id and port of the path ({@code /v1/sandboxes/{id}/ports/{port}...}).
     */
    @Override
    public Optional<Principal> redeem(Context ctx) {
        String[] segments = ctx.req().getRequestURI().split("/", 8);
        if (segments.length < 6 || !segments[1].equals("v1") || !segments[2].equals("sandboxes")
                || !segments[4].equals("ports")) {
            return Optional.empty();
        }
        String sandbox = segments[3];
        int port = SandboxPorts.parse(segments[5]);
        String query = ctx.queryParam("token");
        String token = query != null ? query : ctx.cookie(TOKEN_COOKIE);
        if (token == null) {
            // A public port takes requests without credentials; one that brings a key is that key's.
            boolean bringsKey = ctx.header("Authorization") != null || ctx.header("X-API-Key") != null
                    || ctx.queryParam("api_key") != null;
            return bringsKey ? Optional.empty() : ports.publicCaller(sandbox, port);
        }
        Principal caller = ports.redeem(token, sandbox, port);
        ctx.attribute(BY_TOKEN, true);
        if (query != null) {
            rememberInBrowser(ctx, token, sandbox, port);
        }
        return Optional.of(caller);
    }

    /**
     * Leaves the token in a cookie for the port's own pages (path {@code /} of a preview host, else the proxy's
     * path of the port), so that the requests a page makes after the first carry it; never sent to the sandbox.
     */
    private static void rememberInBrowser(Context ctx, String token, String sandbox, int port) {
        String path = PreviewHosts.isPreview(ctx.req()) ? "/" : "/v1/sandboxes/" + sandbox + "/ports/" + port + "/";
        ctx.res().addHeader("Set-Cookie", TOKEN_COOKIE + "=" + token + "; Path=" + path + "; Max-Age="
                + SandboxPorts.URL_LIFETIME.toSeconds() + "; HttpOnly; SameSite=Lax"
                + (ctx.scheme().equals("https") ? "; Secure" : ""));
    }

    private void proxy(Context ctx) throws IOException, InterruptedException {
        int port = SandboxPorts.parse(ctx.pathParam("port"));
        try (PortConnection connection = ports.open(Authenticator.principal(ctx), ctx.pathParam("id"), port)) {
            forward(ctx, connection);
        }
    }

    private void forward(Context ctx, PortConnection connection) throws IOException, InterruptedException {
        HttpServletRequest in = ctx.req();
        var headers = new ProxiedHeaders(in.getHeader("Connection"));
        Request request = client.newRequest(connection.address().getHostAddress(), connection.port())
                .method(in.getMethod())
                .path(ProxiedTarget.of(in.getRequestURI(), in.getQueryString()))
                .headers(out -> {
                    for (String name : Collections.list(in.getHeaderNames())) {
                        if (name.equalsIgnoreCase("Cookie")) {
                            Collections.list(in.getHeaders(name)).stream().map(ProxiedHeaders::withoutPortToken)
                                    .flatMap(Optional::stream).forEach(value -> out.add(name, value));
                        } else if (headers.intoSandbox(name)) {
                            Collections.list(in.getHeaders(name)).forEach(value -> out.add(name, value));
                        }
                    }
                    out.put(HttpHeader.HOST, "localhost:" + connection.port());
                });
        if (hasBody(in)) {
            request.body(new InputStreamRequestContent(in.getContentType(), in.getInputStream(), COPY_BUFFER));
        }
        // No timeout on the whole exchange: a download or an event stream may last; the wait for the head is
        // bounded below, and a body that stops flowing by the client's idle timeout.
        var listener = new InputStreamResponseListener();
        request.send(listener);
        Response response;
        try {
            response = listener.get(timeouts.response().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            request.abort(e);
            unreachable(ctx, 504, "Port " + connection.port() + " of sandbox " + connection.sandbox()
                    + " did not answer within " + timeouts.response().toSeconds() + " s");
            return;
        } catch (ExecutionException e) {
            unreachable(ctx, 502, e.getCause() instanceof ConnectException
                    ? "Nothing listens on port " + connection.port() + " in sandbox " + connection.sandbox()
                    : "Port " + connection.port() + " of sandbox " + connection.sandbox() + " failed to answer: "
                    + e.getCause().getMessage());
            return;
        }
        copyBack(ctx.res(), response, listener.getInputStream());
    }

    private static void copyBack(HttpServletResponse out, Response response, InputStream body) throws IOException {
        var headers = new ProxiedHeaders(response.getHeaders().get(HttpHeader.CONNECTION));
        out.setStatus(response.getStatus());
        for (HttpField field : response.getHeaders()) {
            if (headers.backToCaller(field.getName())) {
                out.addHeader(field.getName(), field.getValue());
            }
        }
        try (InputStream from = body) {
            OutputStream to = out.getOutputStream();
            byte[] buffer = new byte[COPY_BUFFER];
            for (int read; (read = from.read(buffer)) >= 0; ) {
                to.write(buffer, 0, read);
                to.flush();
            }
        }
    }

    /** A body to send: one announced by its length or by chunks (GET and HEAD bodies are never sent). */
    private static boolean hasBody(HttpServletRequest in) {
        return in.getContentLengthLong() > 0 || in.getHeader("Transfer-Encoding") != null;
    }

    private static void unreachable(Context ctx, int status, String message) {
        ctx.status(status).json(ErrorMapper.envelope(ctx, CorralException.runtimeUnavailable(message, null)));
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // Stopping only closes idle connections to sandboxes; nothing is left to undo.
        }
    }
}
