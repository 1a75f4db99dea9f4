package dev.corral.runtime.oci.network.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket per client address: {@code burst} queries at once, refilled at {@code perSecond}. At most
 * {@code maxClients} buckets are kept, the least recently used dropped first (a dropped client starts again with
 * a full bucket, which only errs towards serving it). Thread-safe: one short lock around the map, nothing blocking
 * under it.
 */
final class ClientQueryRates {
    private final InstantSource clock;
    private final double perSecond;
    private final int burst;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<InetAddress, Bucket> buckets;

    ClientQueryRates(InstantSource clock, int perSecond, int burst, int maxClients) {
        this.clock = clock;
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > maxClients;
            }
        };
    }

    /** Takes one query from the client's budget; false when it has none left. */
    boolean tryTake(InetAddress client) {
        Instant now = clock.instant();
        lock.lock();
        try {
            Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
            double elapsed = Math.max(0, Duration.between(bucket.refilledAt, now).toNanos() / 1e9);
            bucket.tokens = Math.min(burst, bucket.tokens + elapsed * perSecond);
            bucket.refilledAt = now;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Forgets a client, e.g. when its sandbox is deleted and its address may be given to another. */
    void forget(InetAddress client) {
        lock.lock();
        try {
            buckets.remove(client);
        } finally {
            lock.unlock();
        }
    }

    private static final class Bucket {
        double tokens;
        Instant refilledAt;

        Bucket(double tokens, Instant refilledAt) {
            this.tokens = tokens;
            this.refilledAt = refilledAt;
        }
    }
}
