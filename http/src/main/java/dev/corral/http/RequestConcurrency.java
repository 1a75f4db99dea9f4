package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.plan.Plans;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The requests each API key has in flight, the WebSockets it holds open and the server-sent event streams it
 * reads, each held to its tier's limit ({@code concurrentRequests}, {@code openWebSockets}, {@code openStreams}):
 * one more is {@code rate_limited} at once, never queued. A request holds its place from after authentication
 * until its answer is done, so a streaming exec or a long upload counts for as long as it runs; a WebSocket from
 * its upgrade until it closes; a stream, which is also a request in flight, from when its route decides to stream
 * until its answer is done.
 *
 * <p>Threading: request threads call it concurrently; one atomic counter per key and kind. The release methods
 * give back at most the one place the request or socket took, however often they are called.
 */
public final class RequestConcurrency {
    private static final String HELD = "corral.concurrency.held";
    private static final String SOCKET_HELD = "corral.concurrency.socket";
    private static final String STREAM_HELD = "corral.concurrency.stream";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Plans plans;
    private final ConcurrentHashMap<ApiKeyId, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ApiKeyId, AtomicInteger> sockets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ApiKeyId, AtomicInteger> streams = new ConcurrentHashMap<>();

    public RequestConcurrency(Plans plans) {
        this.plans = plans;
    }

    /** Takes a place for the caller's key; {@code rate_limited} when all of its places are taken. */
    public void acquire(Context ctx, Principal principal) {
        take(ctx, principal, PlanLimits::concurrentRequests, inFlight, HELD, "requests in flight");
    }

    /** Gives back the places the request took, in flight and as a stream, if it took them. */
    public void release(Context ctx) {
        giveBack(ctx.attribute(HELD));
        giveBack(ctx.attribute(STREAM_HELD));
    }

    /**
     * Takes a stream place for the caller's key before the request answers as server-sent events; {@code
     * rate_limited} when none is left. {@link #release} gives it back with the request's.
     */
    public void acquireStream(Context ctx, Principal principal) {
        take(ctx, principal, PlanLimits::openStreams, streams, STREAM_HELD, "event streams open");
    }

    /** Takes a WebSocket place for the caller's key before the upgrade; {@code rate_limited} when none is left. */
    public void acquireSocket(Context ctx, Principal principal) {
        take(ctx, principal, PlanLimits::openWebSockets, sockets, SOCKET_HELD, "WebSockets open");
    }

    /** Gives back the WebSocket place of the connection when it closes or fails. */
    public void releaseSocket(WsContext ctx) {
        giveBack(ctx.attribute(SOCKET_HELD));
    }

    /** Gives back a WebSocket place taken for a request that was answered without an upgrade. */
    public void releaseUnusedSocket(Context ctx) {
        giveBack(ctx.attribute(SOCKET_HELD));
    }

    private void take(Context ctx, Principal principal, ToIntFunction<PlanLimits> kind,
                      ConcurrentHashMap<ApiKeyId, AtomicInteger> counters, String attribute, String what) {
        int limit = kind.applyAsInt(plans.of(principal.organization().tier()));
        AtomicInteger count = counters.computeIfAbsent(principal.key().id(), key -> new AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            throw CorralException.rateLimited("This API key has " + limit + " " + what + ", as many as its plan "
                    + "allows at once; retry when one is done", RETRY_AFTER);
        }
        ctx.attribute(attribute, new Place(count));
    }

    private static void giveBack(Place place) {
        if (place != null) {
            place.giveBack();
        }
    }

    /** One taken place, given back once however many ends report it. */
    private static final class Place {
        private final AtomicInteger count;
        private final AtomicBoolean given = new AtomicBoolean();

        Place(AtomicInteger count) {
            this.count = count;
        }

        void giveBack() {
            if (given.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        }
    }
}
