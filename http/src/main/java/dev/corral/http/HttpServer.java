package dev.corral.http;

import dev.corral.core.key.KeyStreams;
import dev.corral.core.key.Principal;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsHandlerType;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.SessionHandler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.MinimumDataRateHandler;
import org.eclipse.jetty.session.NullSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Corral's HTTP server: Javalin on Jetty with a virtual thread per request. Every request gets an id, every
 * {@code /v1} request is authenticated (by its API key, for a WebSocket of {@link SocketTickets} by its
 * ticket, for a request of {@link RequestTickets} by its signed token), rate limited and counted against its key's concurrent requests before its
 * route runs, every WebSocket is closed when its key is revoked or expires ({@link KeyStreams}), every answer is
 * counted in the metrics and written to the access log, and every failure goes through {@link ErrorMapper}. What a
 * client may hold is bounded ({@link Connections}); method-override headers are ignored ({@link MethodOverrides});
 * no session is kept and no cookie set.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger ACCESS = LoggerFactory.getLogger("corral.access");
    private static final String KEY_STREAM_ATTRIBUTE = "corral.keyStream";

    /**
     * Where to listen and how much a request body may hold.
     *
     * @param maxMultipartParts the most files any plan's multipart upload may carry; the body parser stops at
     *                          once past them (and a few form fields), before a plan's own limit is checked
     */
    public record Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, int maxMultipartParts,
                           Connections connections) {
        public Settings(String host, int port, long maxBodyBytes, Duration shutdownGrace, int maxMultipartParts) {
            this(host, port, maxBodyBytes, shutdownGrace, maxMultipartParts, Connections.DEFAULTS);
        }
    }

    /**
     * What a client may hold open: connections in total and per client address (past either, new ones wait or
     * are closed), how long a connection may stay silent, and the slowest a request body may arrive.
     *
     * @param idleTimeout              a connection with nothing read or written for this long is closed
     * @param minRequestBytesPerSecond a request whose body arrives slower than this fails; Jetty's
     *                                 {@link MinimumDataRateHandler} counts the bytes the whole server read, so
     *                                 it bites on a quiet server only, and the other bounds are what always hold
     */
    public record Connections(int maxTotal, int maxPerAddress, Duration idleTimeout, long minRequestBytesPerSecond) {
        public static final Connections DEFAULTS = new Connections(10_000, 512, Duration.ofSeconds(30), 1024);
    }

    /** A registered endpoint: its HTTP method, or {@code WS} for a WebSocket, and its path pattern. */
    public record Route(String method, String path) {
    }

    private final Settings settings;
    private final Javalin javalin;
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    public HttpServer(Settings settings, Authenticator authenticator, RateLimiter rateLimiter,
                      RequestConcurrency concurrency, HttpMetrics metrics, List<RouteGroup> groups) {
        this.settings = settings;
        List<Redeemer> tickets = groups.stream().filter(SocketTickets.class::isInstance)
                .<Redeemer>map(group -> ((SocketTickets) group)::redeem).toList();
        List<Redeemer> signedRequests = groups.stream().filter(RequestTickets.class::isInstance)
                .<Redeemer>map(group -> ((RequestTickets) group)::redeem).toList();
        this.javalin = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jsonMapper(new JavalinJackson(Json.mapper(), true));
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                server.setErrorHandler(new JettyErrors());
                Connections connections = settings.connections();
                server.addBean(new NetworkConnectionLimit(connections.maxTotal(), server));
                server.setHandler(new MinimumDataRateHandler(connections.minRequestBytesPerSecond(), 0));
            });
            config.jetty.addConnector((server, http) -> connector(server, http, settings));
            config.jetty.modifyServletContextHandler(context -> {
                context.setMaxFormKeys(MultipartUploads.maxParts(settings.maxMultipartParts()));
                context.setErrorHandler(new JettyErrors());
                context.addFilter(new FilterHolder(new MethodOverrides()), "/*", EnumSet.allOf(DispatcherType.class));
                groups.stream().flatMap(group -> group.filters().stream()).forEach(filter -> context.addFilter(
                        new FilterHolder(filter), "/*", EnumSet.allOf(DispatcherType.class)));
                withoutSessions(context.getSessionHandler());
            });
            config.requestLogger.http((ctx, millis) -> {
                concurrency.release(ctx);
                concurrency.releaseUnusedSocket(ctx);
                metrics.record(ctx, Duration.ofNanos((long) (millis * 1_000_000)));
                ACCESS.info("method={} path={} route={} status={} durationMs={}", ctx.method(), ctx.path(),
                        HttpMetrics.routeOf(ctx), ctx.statusCode(), tenths(millis));
                MDC.remove("requestId");
            });
            config.routes.before(RequestIds::assign);
            config.routes.before(ReadableRequests::require);
            config.routes.before("/v1/*", ctx -> {
                var principal = redeem(signedRequests, ctx).orElseGet(() -> authenticator.authenticate(ctx));
                rateLimiter.consume(ctx, principal);
                concurrency.acquire(ctx, principal);
            });
            config.routes.wsBeforeUpgrade("/v1/*", ctx -> {
                RequestIds.assign(ctx);
                ReadableRequests.require(ctx);
                var principal = redeem(tickets, ctx).or(() -> redeem(signedRequests, ctx))
                        .orElseGet(() -> authenticator.authenticate(ctx));
                rateLimiter.consume(ctx, principal);
                concurrency.acquireSocket(ctx, principal);
            });
            config.routes.wsAfter("/v1/*", ws -> {
                ws.onConnect(ctx -> endWithKey(authenticator.streams(), ctx));
                ws.onClose(ctx -> release(concurrency, ctx));
                ws.onError(ctx -> release(concurrency, ctx));
            });
            config.events.handlerAdded(added -> {
                if (added.getHttpMethod().isHttpMethod()) {
                    routes.add(new Route(added.getHttpMethod().name(), added.getPath()));
                }
            });
            config.events.wsHandlerAdded(added -> {
                if (added.getHandlerType() == WsHandlerType.WEBSOCKET) {
                    routes.add(new Route("WS", added.getPath()));
                }
            });
            ErrorMapper.register(config.routes);
            groups.forEach(group -> group.register(config.routes));
        });
    }

    /**
     * Has the socket closed (code 4401, the reason the key's error) when its caller's key is revoked or expires;
     * see {@link KeyStreams}.
     */
    private static void endWithKey(KeyStreams streams, WsContext ctx) {
        Principal caller = ctx.attribute(Authenticator.PRINCIPAL_ATTRIBUTE);
        if (caller == null) {
            return;
        }
        KeyStreams.Opened opened = streams.open(caller,
                e -> SocketCloses.refuse(ctx, e));
        ctx.attribute(KEY_STREAM_ATTRIBUTE, opened);
        if (!ctx.session.isOpen()) {
            opened.close();
        }
    }

    /** What a socket held, given back once it closes or fails: its place among its key's sockets, its key's watch. */
    private static void release(RequestConcurrency concurrency, WsContext ctx) {
        concurrency.releaseSocket(ctx);
        forgetKey(ctx);
    }

    private static void forgetKey(WsContext ctx) {
        KeyStreams.Opened opened = ctx.attribute(KEY_STREAM_ATTRIBUTE);
        if (opened != null) {
            opened.close();
        }
    }

    /** {@code millis} to one decimal, as {@code String.format("%.1f")} would write it at a fraction of its cost. */
    static String tenths(double millis) {
        long tenths = Math.round(millis * 10);
        return tenths / 10 + "." + tenths % 10;
    }

    /**
     * The one connector: the Javalin default's HTTP/1.1, with the idle timeout and the per-address cap. The cap in
     * total is the server's {@link NetworkConnectionLimit}, which stops accepting at it until connections close.
     */
    private static ServerConnector connector(Server server, HttpConfiguration http, Settings settings) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.connections().idleTimeout().toMillis());
        connector.addEventListener(new AddressConnectionLimit(settings.connections().maxPerAddress()));
        return connector;
    }

    /**
     * The API keeps no server session: Javalin asks for one on every WebSocket upgrade, which set a
     * {@code JSESSIONID} cookie and kept a session in memory per attempt. Sessions are neither stored nor sent.
     */
    private static void withoutSessions(SessionHandler sessions) {
        if (sessions == null) {
            return;
        }
        var cache = new NullSessionCache(sessions);
        cache.setSessionDataStore(new NullSessionDataStore());
        sessions.setSessionCache(cache);
        sessions.setUsingCookies(false);
        sessions.setUsingUriParameters(false);
    }

    /** A route group's way to a caller without an API key: its {@link SocketTickets} or {@link RequestTickets}. */
    private interface Redeemer {
        Optional<Principal> redeem(Context ctx);
    }

    /** The caller the first redeemer that knows the request stands for, remembered on it as a key's caller is. */
    private static Optional<Principal> redeem(List<Redeemer> redeemers, Context ctx) {
        for (Redeemer redeemer : redeemers) {
            Optional<Principal> caller = redeemer.redeem(ctx);
            if (caller.isPresent()) {
                ctx.attribute(Authenticator.PRINCIPAL_ATTRIBUTE, caller.get());
                return caller;
            }
        }
        return Optional.empty();
    }

    public HttpServer start() {
        javalin.start(settings.host(), settings.port());
        return this;
    }

    /** Every endpoint the route groups registered, in the order they did (before and after filters left out). */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** The port actually bound, which differs from the configured one when that was 0. */
    public int port() {
        return javalin.port();
    }

    /** Stops accepting requests and lets those in flight finish, for at most the shutdown grace. */
    @Override
    public void close() {
        javalin.stop();
    }
}
