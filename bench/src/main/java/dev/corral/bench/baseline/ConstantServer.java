package dev.corral.bench.baseline;

import io.javalin.Javalin;
import java.net.URI;

/**
 * The api baseline: a bare Javalin on Jetty, with a virtual thread per request as Corral's server has, answering
 * one route with a constant JSON body, and nothing else: no authentication, rate limit, request id, access log,
 * metrics or database.
 *
 * <p>Threading: Jetty's; {@link #close()} stops it.
 */
public final class ConstantServer implements AutoCloseable {
    private final Javalin javalin;

    private ConstantServer(Javalin javalin) {
        this.javalin = javalin;
    }

    /** Serves {@code body} as {@code application/json} at {@code GET /constant} on a free port of 127.0.0.1. */
    public static ConstantServer start(String body) {
        Javalin javalin = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.startup.showJavalinBanner = false;
            config.routes.get("/constant", ctx -> ctx.contentType("application/json").result(body));
        });
        javalin.start("127.0.0.1", 0);
        return new ConstantServer(javalin);
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + javalin.port() + "/constant");
    }

    @Override
    public void close() {
        javalin.stop();
    }
}
