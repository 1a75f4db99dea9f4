package dev.corral.core.plan;

import dev.corral.core.org.Tier;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/** The limits of every tier: the RunTools DEV limits table by default, enterprise's configurable. */
public record Plans(Map<Tier, PlanLimits> byTier) {
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    public Plans {
        byTier = Map.copyOf(byTier);
        for (Tier tier : Tier.values()) {
            Objects.requireNonNull(byTier.get(tier), () -> "no limits for tier " + tier.wire());
        }
    }

    public PlanLimits of(Tier tier) {
        return byTier.get(tier);
    }

    /** The most files any tier's multipart upload may carry: what the HTTP server parses at most. */
    public int maxMultipartParts() {
        return byTier.values().stream().mapToInt(PlanLimits::maxMultipartParts).max().orElseThrow();
    }

    /** The DEV limits table, with enterprise's request rate as given and its other limits at their defaults. */
    public static Plans defaults(int enterpriseRequestsPerMinute, int enterpriseBurst) {
        return defaults(EnterpriseLimits.DEFAULTS.withRequestRate(enterpriseRequestsPerMinute, enterpriseBurst));
    }

    /**
     * The DEV limits table for free, pro and team (RunTools' numbers; the open streams and multipart parts, which
     * it does not name, are Corral's, and so are the bandwidths: free 50 Mbit/s, pro 200, team 500 in each
     * direction), and enterprise as configured (1000 Mbit/s by default).
     */
    public static Plans defaults(EnterpriseLimits enterprise) {
        var limits = new EnumMap<Tier, PlanLimits>(Tier.class);
        limits.put(Tier.FREE, new PlanLimits(60, 10, 5, 5, Duration.ofHours(1), Duration.ofMinutes(10),
                2, 2 * GB, 10 * GB, Duration.ofSeconds(30), MB, 100 * MB, 10 * GB,
                5, 2, 100, 5, Bandwidth.ofMegabits(50)));
        limits.put(Tier.PRO, new PlanLimits(300, 50, 20, 20, Duration.ofHours(4), Duration.ofMinutes(30),
                4, 4 * GB, 50 * GB, Duration.ofSeconds(60), 10 * MB, 500 * MB, 50 * GB,
                20, 10, 250, 10, Bandwidth.ofMegabits(200)));
        limits.put(Tier.TEAM, new PlanLimits(1000, 200, 100, 100, Duration.ofHours(24), Duration.ofHours(2),
                8, 16 * GB, 100 * GB, Duration.ofMinutes(5), 50 * MB, 2 * GB, 500 * GB,
                100, 50, 500, 20, Bandwidth.ofMegabits(500)));
        limits.put(Tier.ENTERPRISE, new PlanLimits(enterprise.requestsPerMinute(), enterprise.burst(),
                enterprise.concurrentRequests(), enterprise.concurrentSandboxes(), enterprise.maxRuntime(),
                enterprise.maxIdleTimeout(), 16, 64 * GB, 500 * GB, Duration.ofMinutes(30),
                // Output is held in memory until the answer is written: 10 MB keeps a flood of commands affordable.
                10 * MB,
                enterprise.maxUploadBytes(), enterprise.maxStorageBytes(),
                enterprise.openWebSockets(), enterprise.openStreams(), enterprise.maxMultipartParts(), 50,
                Bandwidth.ofMegabits(enterprise.bandwidthMegabits())));
        return new Plans(limits);
    }
}
