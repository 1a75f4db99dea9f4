package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.Plans;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests each API key has in flight and the WebSockets it holds open, each held to its tier's {@code
 * concurrentRequests} (RunTools' "Concurrent (per key)" and "WebSocket connections": free 5, pro 20, team 100): one
 * more is {@code rate_limited}. A request holds its place from after authentication until its answer is done, so a
 * streaming exec or a long upload counts for as long as it runs; a WebSocket from its upgrade until it closes.
 *
 * <p>Threading: request threads call it concurrently; one atomic counter per key and kind. The release methods
 * give back at most the one place the request or socket took, however often they are called.
 */
public final class RequestConcurrency {
    private static final String HELD = "corral.concurrency.held";
    private static final String SOCKET_HELD = "corral.concurrency.socket";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Plans plans;
    private final ConcurrentHashMap<ApiKeyId, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ApiKeyId, AtomicInteger> sockets = new ConcurrentHashMap<>();

    public RequestConcurrency(Plans plans) {
        this.plans = plans;
    }

    /** Takes a place for the caller's key; {@code rate_limited} when all of its places are taken. */
    public void acquire(Context ctx, Principal principal) {
        take(ctx, principal, inFlight, HELD, "requests in flight");
    }

    /** Gives back the place the request took, if it took one. */
    public void release(Context ctx) {
        giveBack(ctx.attribute(HELD));
    }

    /** Takes a WebSocket place for the caller's key before the upgrade; {@code rate_limited} when none is left. */
    public void acquireSocket(Context ctx, Principal principal) {
        take(ctx, principal, sockets, SOCKET_HELD, "WebSockets open");
    }

    /** Gives back the WebSocket place of the connection when it closes or fails. */
    public void releaseSocket(WsContext ctx) {
        giveBack(ctx.attribute(SOCKET_HELD));
    }

    /** Gives back a WebSocket place taken for a request that was answered without an upgrade. */
    public void releaseUnusedSocket(Context ctx) {
        giveBack(ctx.attribute(SOCKET_HELD));
    }

    private void take(Context ctx, Principal principal, ConcurrentHashMap<ApiKeyId, AtomicInteger> counters,
                      String attribute, String what) {
        int limit = plans.of(principal.organization().tier()).concurrentRequests();
        if (limit == Integer.MAX_VALUE) {
            return;
        }
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
