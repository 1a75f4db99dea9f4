package dev.corral.core.key;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The failed authentications of each client address, as a token bucket of {@link #BURST} failures refilled at
 * {@link #PER_MINUTE} a minute (kept as the time the bucket is full again, as in GCRA): past it, a wrong key from
 * that address is {@code rate_limited} rather than {@code invalid_token}, with the time until the next failure is
 * allowed.
 *
 * <p>Implementation notes. Only failures take tokens, so a valid key is authenticated as always, whatever its
 * address did before (a client behind the same address as a scanner keeps working). Keys are random 32-character
 * secrets, which nobody guesses at any rate; this throttle answers a scanner with {@code 429} and
 * {@code Retry-After} so that it backs off, and keeps its answers cheap and its flood visible. At most
 * {@link #MAX_ADDRESSES} addresses are tracked: adding one to a full table first drops the addresses whose bucket
 * has refilled (they hold nothing a fresh entry would not), and when none has, one arbitrary entry.
 *
 * <p>Threading: any number of request threads at once; each address's bucket is updated atomically in the
 * concurrent map.
 */
public final class FailedAuthentications {
    /** Failures an address may have at once before it is throttled. */
    public static final int BURST = 20;
    /** Failures an address regains a minute. */
    public static final int PER_MINUTE = 20;
    /** Addresses tracked at most. */
    public static final int MAX_ADDRESSES = 10_000;

    private static final Duration PER_FAILURE = Duration.ofMinutes(1).dividedBy(PER_MINUTE);
    private static final Duration TOLERANCE = PER_FAILURE.multipliedBy(BURST);

    /**
     * An address's bucket as the time it is full again ({@code fullAt}: each failure pushes it one refill period
     * later, from now at the earliest), and whether its last failure was within the burst.
     */
    private record Bucket(Instant fullAt, boolean allowed) {
        Bucket failed(Instant now) {
            Instant later = (fullAt.isAfter(now) ? fullAt : now).plus(PER_FAILURE);
            return Duration.between(now, later).compareTo(TOLERANCE) <= 0 ? new Bucket(later, true)
                    : new Bucket(fullAt, false);
        }

        Duration untilNextFailure(Instant now) {
            return Duration.between(now, fullAt).plus(PER_FAILURE).minus(TOLERANCE);
        }
    }

    private final ConcurrentHashMap<String, Bucket> byAddress = new ConcurrentHashMap<>();

    /**
     * Counts a failed authentication from {@code address} at {@code now}; the wait until the next failure is
     * allowed when the address had none left (this one is then not counted), empty otherwise.
     */
    public Optional<Duration> fail(String address, Instant now) {
        if (!byAddress.containsKey(address) && byAddress.size() >= MAX_ADDRESSES) {
            makeRoom(now);
        }
        Bucket bucket = byAddress.compute(address, (a, current) ->
                (current == null ? new Bucket(now, true) : current).failed(now));
        return bucket.allowed() ? Optional.empty() : Optional.of(bucket.untilNextFailure(now));
    }

    /** How many addresses are tracked. */
    public int size() {
        return byAddress.size();
    }

    private void makeRoom(Instant now) {
        byAddress.values().removeIf(bucket -> !bucket.fullAt().isAfter(now));
        if (byAddress.size() >= MAX_ADDRESSES) {
            Iterator<String> any = byAddress.keySet().iterator();
            if (any.hasNext()) {
                byAddress.remove(any.next());
            }
        }
    }
}
