package dev.corral.runtime.oci.network.dns;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Bounds the upstream queries in flight, in total and per client. A client's count exists only while it has
 * queries in flight, so the map is bounded by the total. Thread-safe; never blocks.
 */
final class UpstreamSlots {
    private final Semaphore total;
    private final int perClient;
    private final ConcurrentHashMap<InetAddress, Integer> byClient = new ConcurrentHashMap<>();

    UpstreamSlots(int total, int perClient) {
        this.total = new Semaphore(total);
        this.perClient = perClient;
    }

    /** Takes a slot for the client; false when it or everyone has too many in flight. */
    boolean tryTake(InetAddress client) {
        if (!total.tryAcquire()) {
            return false;
        }
        boolean[] taken = {false};
        byClient.compute(client, (c, count) -> {
            int now = count == null ? 0 : count;
            taken[0] = now < perClient;
            return taken[0] ? now + 1 : count;
        });
        if (!taken[0]) {
            total.release();
        }
        return taken[0];
    }

    /** Gives back a slot taken by {@link #tryTake}. */
    void release(InetAddress client) {
        byClient.computeIfPresent(client, (c, count) -> count > 1 ? count - 1 : null);
        total.release();
    }
}
