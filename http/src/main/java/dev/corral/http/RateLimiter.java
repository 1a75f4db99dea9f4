package dev.corral.http;

import dev.corral.core.error.CorralException;
import dev.corral.core.key.ApiKeyId;
import dev.corral.core.key.Principal;
import dev.corral.core.org.Tier;
import dev.corral.core.plan.PlanLimits;
import dev.corral.core.plan.Plans;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One token bucket per API key, sized by its organization's tier: {@code burst} tokens, refilled at the tier's
 * requests per minute ({@code rt_test_} keys get half of both). Every answered request carries the
 * {@code X-RateLimit-*} headers; an empty bucket is {@code rate_limited} with the time until the next token.
 *
 * <p>Threading: called from request threads concurrently; buckets are lock-free, the map is concurrent. A bucket
 * is remade when its organization's tier changes.
 */
public final class RateLimiter {
    private record BucketKey(ApiKeyId key, Tier tier) {
    }

    private final Plans plans;
    private final InstantSource clock;
    private final ClockTimeMeter timeMeter;
    private final ConcurrentHashMap<BucketKey, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Plans plans, InstantSource clock) {
        this.plans = plans;
        this.clock = clock;
        this.timeMeter = new ClockTimeMeter(clock);
    }

    /** Takes one token for the caller and writes the headers; {@code rate_limited} when there is none. */
    public void consume(Context ctx, Principal principal) {
        Tier tier = principal.organization().tier();
        PlanLimits limits = plans.of(tier);
        boolean test = principal.key().test();
        int perMinute = test ? Math.max(1, limits.requestsPerMinute() / 2) : limits.requestsPerMinute();
        int burst = test ? Math.max(1, limits.burst() / 2) : limits.burst();
        Bucket bucket = buckets.computeIfAbsent(new BucketKey(principal.key().id(), tier),
                k -> newBucket(perMinute, burst, timeMeter));
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        long untilFull = nanosUntilFull(probe.getRemainingTokens(), burst, perMinute);
        ctx.header("X-RateLimit-Limit", Integer.toString(perMinute));
        ctx.header("X-RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
        ctx.header("X-RateLimit-Reset", Long.toString(clock.instant().plusNanos(untilFull).getEpochSecond() + 1));
        if (!probe.isConsumed()) {
            throw CorralException.rateLimited(Duration.ofNanos(probe.getNanosToWaitForRefill()));
        }
    }

    private static Bucket newBucket(int perMinute, int burst, ClockTimeMeter timeMeter) {
        return Bucket.builder()
                .withCustomTimePrecision(timeMeter)
                .addLimit(Bandwidth.builder().capacity(burst).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build();
    }

    private static long nanosUntilFull(long remaining, int burst, int perMinute) {
        long missing = Math.max(0, burst - remaining);
        return missing * Duration.ofMinutes(1).toNanos() / perMinute;
    }
}
