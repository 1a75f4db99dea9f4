package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.Principal;
import dev.corral.core.plan.Plans;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests each API key has in flight, held to its tier's {@code concurrentRequests} (RunTools' "Concurrent
 * (per key)": free 5, pro 20, team 100): one more is {@code rate_limited}. A request holds its place from after
 * authentication until its answer is done, so a streaming exec or a long upload counts for as long as it runs.
 * WebSocket connections are not counted here.
 *
 * <p>Threading: request threads call it concurrently; one atomic counter per key. {@link #release} is called for
 * every request and gives back at most the one place the request took.
 */
public final class RequestConcurrency {
    private static final String HELD = "corral.concurrency.held";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Plans plans;
    private final ConcurrentHashMap<ApiKeyId, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    public RequestConcurrency(Plans plans) {
        this.plans = plans;
    }

    /** Takes a place for the caller's key; {@code rate_limited} when all of its places are taken. */
    public void acquire(Context ctx, Principal principal) {
        int limit = plans.of(principal.organization().tier()).concurrentRequests();
        if (limit == Integer.MAX_VALUE) {
            return;
        }
        AtomicInteger count = inFlight.computeIfAbsent(principal.key().id(), key -> new AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            throw CorralException.rateLimited("This API key has " + limit + " requests in flight, as many as its "
                    + "plan allows at once; retry when one is done", RETRY_AFTER);
        }
        ctx.attribute(HELD, count);
    }

    /** Gives back the place the request took, if it took one. */
    public void release(Context ctx) {
        AtomicInteger count = ctx.attribute(HELD);
        if (count != null) {
            ctx.attribute(HELD, null);
            count.decrementAndGet();
        }
    }
}
