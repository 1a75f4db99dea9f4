package dev.corral.runtime.oci.network;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The addresses each deny-by-default sandbox may reach because it resolved a name its policy allows, each until its
 * answer's TTL ends. Kept here as well as in the sandbox's nftables set because the table is rewritten whole on
 * every change: each rewrite renders the live pins with the time they have left, so a rewrite never drops one.
 * At most {@link #MAX_PER_SANDBOX} per sandbox, the size of its set.
 *
 * <p>Threading: not thread-safe; {@link SandboxNetworks} uses it under its lock.
 */
final class PinnedAddresses {
    static final int MAX_PER_SANDBOX = 4096;

    private final Map<Integer, Map<Integer, Instant>> pins = new HashMap<>();

    /**
     * Pins {@code destinations} for the sandbox until {@code until} (or later, when one is pinned longer already).
     *
     * @throws IllegalStateException when the sandbox would hold more than {@link #MAX_PER_SANDBOX} live pins
     */
    void pin(int sandbox, List<Integer> destinations, Instant now, Instant until) {
        Map<Integer, Instant> held = pins.computeIfAbsent(sandbox, key -> new HashMap<>());
        held.values().removeIf(expiry -> !expiry.isAfter(now));
        long added = destinations.stream().distinct().filter(destination -> !held.containsKey(destination)).count();
        if (held.size() + added > MAX_PER_SANDBOX) {
            throw new IllegalStateException("the sandbox holds " + MAX_PER_SANDBOX + " resolved addresses already");
        }
        for (int destination : destinations) {
            held.merge(destination, until, (old, update) -> old.isAfter(update) ? old : update);
        }
    }

    /** The sandbox's live pins with the time each has left, at least a second. */
    Map<Integer, Duration> live(int sandbox, Instant now) {
        var live = new HashMap<Integer, Duration>();
        pins.getOrDefault(sandbox, Map.of()).forEach((destination, expiry) -> {
            if (expiry.isAfter(now)) {
                Duration left = Duration.between(now, expiry);
                live.put(destination, left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left);
            }
        });
        return live;
    }

    /** Forgets every pin of the sandbox: it is gone, or its policy changed. */
    void clear(int sandbox) {
        pins.remove(sandbox);
    }
}
